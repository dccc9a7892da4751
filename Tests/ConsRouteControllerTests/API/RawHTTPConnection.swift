import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw TCP connection to 127.0.0.1 for the connection-guard tests: send any bytes (half a header), read with a
/// deadline, see the server close. Blocking socket calls run on a Dispatch thread, never on the cooperative pool.
final class RawHTTPConnection: Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw RawHTTPError(description: "socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw RawHTTPError(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Ends the connection from this side (the descriptor is released in `deinit`).
    func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawHTTPError(description: "send failed: errno \(errno)") }
    }

    /// What one read gave within `timeout`.
    enum Received: Equatable {
        case bytes([UInt8])
        /// The server closed the connection.
        case closed
        /// Nothing arrived in time.
        case timedOut
    }

    /// Reads once, waiting at most `timeout`.
    func receive(within timeout: Duration) async -> Received {
        let descriptor = descriptor
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(
                    timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
                )
                guard Glibc.poll(&poll, 1, milliseconds) > 0 else { return continuation.resume(returning: .timedOut) }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                continuation.resume(returning: count <= 0 ? .closed : .bytes(Array(buffer.prefix(count))))
            }
        }
    }

    /// Reads until a whole response head (and `Content-Length` body) arrived; nil if the server closed first or the
    /// time ran out.
    func response(within timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        var collected: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard case .bytes(let bytes) = await receive(within: deadline - .now) else { return nil }
            collected += bytes
            let text = String(decoding: collected, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
        }
        return nil
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}
