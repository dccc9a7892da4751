import ConsRouteModel
import Foundation

/// Reading and writing the files the CLI works with, with errors that name the file.
enum Files {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read \(what) \(path): no such file or not readable")
        }
        return Array(data)
    }

    static func write(_ bytes: [UInt8], to path: String, mode: Int16 = 0o644, overwrite: Bool) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) exists; pass --force to overwrite it")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: mode])
        else {
            throw CommandFailure("cannot write \(path)")
        }
    }

    static func signedTable(_ path: String) throws -> SignedTable {
        do {
            return try SignedTable(envelope: read(path, what: "table"))
        } catch let error as TableFormatError {
            throw CommandFailure("\(path) is not a signed table: \(error)")
        }
    }

    static func verifyingKeys(_ paths: [String]) throws -> [TableVerifyingKey] {
        try paths.map { path in
            do {
                return try KeyFile.verifyingKey(from: read(path, what: "public key"))
            } catch let error as KeyFileError {
                throw CommandFailure("\(path): \(error)")
            }
        }
    }

    static func signingKey(_ path: String) throws -> TableSigningKey {
        do {
            return try KeyFile.signingKey(from: read(path, what: "private key"))
        } catch let error as KeyFileError {
            throw CommandFailure("\(path): \(error)")
        }
    }
}

/// Human-readable times for Unix-millisecond fields.
enum TimeText {
    static func utc(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
