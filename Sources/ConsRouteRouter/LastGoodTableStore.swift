import ConsRouteModel
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the last applied table's envelope on disk, written atomically (temporary file, fsync, rename),
/// so a router that restarts routes with it at once, before it reaches the controller.
struct LastGoodTableStore: Sendable {
    let file: URL

    init(directory: URL, fleet: String) {
        let safeName = String(fleet.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        file = directory.appendingPathComponent("\(safeName).table.json")
    }

    /// The stored envelope, or nil if none was stored.
    ///
    /// - Throws: `RouterError.storage` if the file exists but cannot be read.
    func load() throws(RouterError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            return Array(try Data(contentsOf: file))
        } catch {
            throw RouterError.storage.with("cannot read \(file.path): \(error.localizedDescription)")
        }
    }

    /// Replaces the stored envelope atomically.
    ///
    /// - Throws: `RouterError.storage` naming the file and the system error.
    func save(_ envelope: [UInt8]) throws(RouterError) {
        let directory = file.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(file.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp"
        )
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: Data(envelope))
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, file.path) != 0 {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RouterError.storage.with("cannot write \(file.path): \(error)")
        }
    }
}
