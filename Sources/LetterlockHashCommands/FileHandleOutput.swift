internal import Foundation

enum FileHandleOutput {
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
