public import Foundation

/// Turning the sender's display name into a name that is safe to save under (review L10).
///
/// The manifest's ``FileManifest/name`` is the sender's choice: it already excludes path
/// separators and control characters, but a name can still deceive or misbehave once it is a
/// file: `"invoice\u{202E}fdp.exe"` displays as `invoiceexe.pdf`, `".bashrc"` is hidden and can
/// land on a dotfile, `"-rf"` reads as an option to a shell command, trailing dots and spaces
/// vanish on some file systems, and `CON` is a device on Windows.
extension FileManifest {
    /// ``name`` made safe to save under: see ``safeFileName(_:)``.
    public var suggestedFileName: String { Self.safeFileName(name) }

    /// A file name with nothing that can deceive or misbehave:
    /// - format, control and line/paragraph separator characters are dropped (bidi overrides and
    ///   isolates U+202A–U+202E, U+2066–U+2069, zero-width characters, U+FEFF, …);
    /// - path separators and the characters Windows forbids (`/ \ : * ? " < > |`) become `_`;
    /// - NFC, so one name has one encoding;
    /// - leading spaces and trailing dots and spaces go; a leading `.` or `-` gets a `_` before it;
    ///   a reserved Windows device name (`CON`, `NUL`, `COM1`, …) too;
    /// - at most 255 UTF-8 bytes; `file` when nothing is left.
    public static func safeFileName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.precomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: continue
            default: break
            }
            scalars.append("/\\:*?\"<>|".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        var safe = String(scalars)
        while let last = safe.unicodeScalars.last, last == "." || last.properties.isWhitespace { safe.unicodeScalars.removeLast() }
        while let first = safe.unicodeScalars.first, first.properties.isWhitespace { safe.unicodeScalars.removeFirst() }
        let stem = safe.split(separator: ".", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        if safe.hasPrefix(".") || safe.hasPrefix("-") || reservedDeviceNames.contains(stem) { safe = "_" + safe }
        while safe.utf8.count > 255 { safe.unicodeScalars.removeLast() }
        return safe.isEmpty ? "file" : safe
    }

    private static let reservedDeviceNames: Set<String> = Set(
        ["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })
}
