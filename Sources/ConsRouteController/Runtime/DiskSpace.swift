import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Free space on the file system of the history, for readiness: with the disk full nothing can be stored, so the
/// controller must not claim to be ready.
enum DiskSpace {
    /// Below this many free bytes the disk counts as full (a SQLite transaction of one ingest batch is about 1 MB).
    static let minimumFreeBytes: Int64 = 8 * 1024 * 1024

    /// Bytes an unprivileged process may still write on the file system holding `path` (a file or a directory);
    /// nil when it cannot be told.
    static func availableBytes(at path: String) -> Int64? {
        var directory = path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            directory = (path as NSString).deletingLastPathComponent
            if directory.isEmpty { directory = "." }
        }
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return nil }
        let (bytes, overflow) = Int64(clamping: stats.f_bavail).multipliedReportingOverflow(
            by: Int64(clamping: stats.f_frsize)
        )
        return overflow ? .max : bytes
    }

    /// Whether the file system holding `path` has room for more history (true when it cannot be told).
    static func hasRoom(at path: String?) -> Bool {
        guard let path, let available = availableBytes(at: path) else { return true }
        return available >= minimumFreeBytes
    }
}
