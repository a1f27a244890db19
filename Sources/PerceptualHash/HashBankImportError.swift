/// Why a hash list, or one line of it, could not be imported.
///
/// Carries the reason and where (a 1-based line, or for a JSON array the 1-based record) and
/// nothing else: no field contents, so it can be logged without leaking list data.
public struct HashBankImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong. More reasons may be added.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidHash, missingHashColumn, ambiguousHashColumns, missingField, invalidQuality
            case invalidText, unterminatedQuote, fieldTooLong, tooManyFields, tooManyEntries, tooManyRejects
            case invalidJSON, missingIndicator
        }
        private let base: Base

        /// A hash field is not 64 hex digits.
        public static let invalidHash = Reason(base: .invalidHash)
        /// A header row names no column that holds PDQ hashes.
        public static let missingHashColumn = Reason(base: .missingHashColumn)
        /// More than one column of a headerless file holds hashes; say which (`hashColumn`).
        public static let ambiguousHashColumns = Reason(base: .ambiguousHashColumns)
        /// A row is too short to have the hash column.
        public static let missingField = Reason(base: .missingField)
        /// A quality field is not an integer in 0...100.
        public static let invalidQuality = Reason(base: .invalidQuality)
        /// An id is not valid UTF-8.
        public static let invalidText = Reason(base: .invalidText)
        /// A quoted field is not closed before the end of the input.
        public static let unterminatedQuote = Reason(base: .unterminatedQuote)
        /// A field is longer than ``HashBank/ImportOptions/maximumFieldLength``.
        public static let fieldTooLong = Reason(base: .fieldTooLong)
        /// A row has more than ``HashBank/ImportOptions/maximumFieldCount`` fields.
        public static let tooManyFields = Reason(base: .tooManyFields)
        /// The list has more than ``HashBank/ImportOptions/maximumEntries`` hashes.
        public static let tooManyEntries = Reason(base: .tooManyEntries)
        /// More bad lines than ``HashBank/ImportOptions/maximumRejects``.
        public static let tooManyRejects = Reason(base: .tooManyRejects)
        /// The input is not JSON of a supported shape.
        public static let invalidJSON = Reason(base: .invalidJSON)
        /// A JSON record has no indicator (hash) field.
        public static let missingIndicator = Reason(base: .missingIndicator)

        public var description: String {
            switch base {
            case .invalidHash: "invalid PDQ hash (expected 64 hex digits)"
            case .missingHashColumn: "no PDQ hash column in the header"
            case .ambiguousHashColumns: "more than one column holds hashes"
            case .missingField: "row has no hash field"
            case .invalidQuality: "invalid quality (expected an integer 0...100)"
            case .invalidText: "text is not valid UTF-8"
            case .unterminatedQuote: "unterminated quoted field"
            case .fieldTooLong: "field too long"
            case .tooManyFields: "too many fields"
            case .tooManyEntries: "too many entries"
            case .tooManyRejects: "too many bad lines"
            case .invalidJSON: "not JSON of a supported shape"
            case .missingIndicator: "record has no hash"
            }
        }
    }

    public var reason: Reason
    /// The 1-based line where the problem is, when known.
    public var line: Int?
    /// The 1-based record of a JSON array where the problem is, when known.
    public var record: Int?

    public init(_ reason: Reason, line: Int? = nil, record: Int? = nil) {
        self.reason = reason
        self.line = line
        self.record = record
    }

    public var description: String {
        if let line { return "\(reason) on line \(line)" }
        if let record { return "\(reason) in record \(record)" }
        return reason.description
    }
}
