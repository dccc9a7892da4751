package import Foundation

/// A directory under the system temporary directory, removed when the value is released.
package final class TemporaryDirectory {
    /// The directory.
    package let url: URL

    /// Creates the directory `<prefix>-<uuid>`.
    /// - Parameter prefix: the start of its name, to tell whose it is when one is left behind.
    package init(prefix: String = "consroute-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of a file inside the directory.
    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
