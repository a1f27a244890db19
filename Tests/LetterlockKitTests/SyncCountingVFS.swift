import Foundation
import GRDBSQLite

/// Tests only: an SQLite VFS that passes everything to the default VFS and counts each file's
/// syncs (`xSync`, the fsync SQLite asks for), registered as the default VFS while `counting`
/// runs.
///
/// GRDB opens databases with the default VFS, so this is how a test sees what SQLite asks the
/// file system for. It wraps only `xOpen` (to remember the path and swap in a copy of the
/// file's method table) and `xSync` (to count); everything else is the default VFS's own.
/// Other tests running meanwhile open their databases through it too, which only counts them.
enum SyncCountingVFS {
    private nonisolated(unsafe) static var base: UnsafeMutablePointer<sqlite3_vfs>?
    private nonisolated(unsafe) static var vfs: UnsafeMutablePointer<sqlite3_vfs>?
    /// Our method table copy → the original it wraps.
    private nonisolated(unsafe) static var originals: [UnsafeRawPointer: UnsafePointer<sqlite3_io_methods>] = [:]
    /// An original method table → our copy.
    private nonisolated(unsafe) static var copies: [UnsafeRawPointer: UnsafeMutablePointer<sqlite3_io_methods>] = [:]
    /// An open file → its path.
    private nonisolated(unsafe) static var paths: [UnsafeMutableRawPointer: String] = [:]
    private nonisolated(unsafe) static var syncs: [String: Int] = [:]
    private static let lock = NSLock()
    private static let runLock = NSLock()

    /// Runs `body` with this VFS as SQLite's default; databases opened in it count their syncs.
    static func counting<T>(_ body: () async throws -> T) async throws -> T {
        install()
        defer { if let base { sqlite3_vfs_register(base, 1) } }  // the original is the default again
        return try await body()
    }

    /// The syncs counted so far for files whose path satisfies `matching`.
    static func syncCount(_ matching: (String) -> Bool) -> Int {
        lock.withLock { syncs.filter { matching($0.key) }.values.reduce(0, +) }
    }

    private static func install() {
        runLock.withLock {
            if vfs == nil {
                guard let original = sqlite3_vfs_find(nil) else { return }
                base = original
                let ours = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
                ours.initialize(to: original.pointee)
                ours.pointee.pNext = nil
                ours.pointee.zName = UnsafePointer(strdup("letterlock-sync-counting"))
                ours.pointee.xOpen = { _, name, file, flags, outFlags in
                    guard let base = SyncCountingVFS.base, let open = base.pointee.xOpen else { return SQLITE_ERROR }
                    let code = open(base, name, file, flags, outFlags)
                    guard code == SQLITE_OK, let file, let methods = file.pointee.pMethods else { return code }
                    file.pointee.pMethods = UnsafePointer(SyncCountingVFS.wrapping(methods, file: file, path: name.map { String(cString: $0) } ?? ""))
                    return code
                }
                vfs = ours
            }
            if let vfs { sqlite3_vfs_register(vfs, 1) }
        }
    }

    private static func wrapping(
        _ methods: UnsafePointer<sqlite3_io_methods>, file: UnsafeMutablePointer<sqlite3_file>, path: String
    ) -> UnsafeMutablePointer<sqlite3_io_methods> {
        lock.withLock {
            paths[UnsafeMutableRawPointer(file)] = path
            if let copy = copies[UnsafeRawPointer(methods)] { return copy }
            let copy = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)  // kept for the process
            copy.initialize(to: methods.pointee)
            copy.pointee.xSync = { file, flags in
                guard let file else { return SQLITE_MISUSE }
                let original: UnsafePointer<sqlite3_io_methods>? = SyncCountingVFS.lock.withLock {
                    let path = SyncCountingVFS.paths[UnsafeMutableRawPointer(file)] ?? ""
                    SyncCountingVFS.syncs[path, default: 0] += 1
                    return file.pointee.pMethods.flatMap { SyncCountingVFS.originals[UnsafeRawPointer($0)] }
                }
                guard let sync = original?.pointee.xSync else { return SQLITE_ERROR }
                return sync(file, flags)
            }
            copies[UnsafeRawPointer(methods)] = copy
            originals[UnsafeRawPointer(copy)] = methods
            return copy
        }
    }
}
