public import Foundation

/// Runs one kind of official MLS interop vector file (see the vector set's FORMAT.md).
public protocol VectorRunner {
    /// The kind name used by `letterlock-conformance mls KIND FILE` (e.g. `tree-math`).
    static var kind: String { get }
    init()
    /// Runs every case in the JSON document `data`.
    /// - Throws: ``VectorFileError`` when the file is not a vector file of this kind.
    func run(_ data: Data) throws(VectorFileError) -> VectorResult
}

extension VectorRunner {
    /// Runs the vector file at `url`.
    public func run(contentsOf url: URL) throws(VectorFileError) -> VectorResult {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw VectorFileError("cannot read \(url.path)")
        }
        return try run(data)
    }

    /// Decodes the JSON array of cases.
    static func decodeCases<Case: Decodable>(_ type: Case.Type, from data: Data) throws(VectorFileError) -> [Case] {
        do {
            return try JSONDecoder().decode([Case].self, from: data)
        } catch {
            throw VectorFileError("not a \(kind) vector file: \(error)")
        }
    }
}

/// A vector file that cannot be run at all (unreadable, or not JSON of the expected shape).
public struct VectorFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
