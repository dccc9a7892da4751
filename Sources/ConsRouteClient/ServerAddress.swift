/// Where the distribution API listens, parsed from a base URL `http://host:port`.
///
/// Only plain HTTP: the API serves tables that are signed end to end, and TLS, where wanted, is a proxy's job.
struct ServerAddress: Sendable, Equatable {
    /// The host name or address (an IPv6 address without its brackets).
    let host: String
    /// The TCP port.
    let port: Int
    /// The base URL as given, without a trailing slash.
    let baseURL: String

    /// Parses `http://host[:port][/]`; the port defaults to 80.
    ///
    /// - Throws: `TableClientError.invalidURL` saying what is wrong.
    init(url: String) throws(TableClientError) {
        let scheme = "http://"
        guard url.lowercased().hasPrefix(scheme) else {
            throw .invalidURL(url, reason: "must start with http:// (for example http://127.0.0.1:8080)")
        }
        var authority = Substring(url.dropFirst(scheme.count))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty else { throw .invalidURL(url, reason: "has no host") }
        guard !authority.contains(where: { "/?#@ ".contains($0) }) else {
            throw .invalidURL(url, reason: "must be only scheme, host and port; the API paths are added by the client")
        }
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url, reason: "has an unclosed [") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw .invalidURL(url, reason: "has text after ]") }
            portPart = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        guard !hostPart.isEmpty else { throw .invalidURL(url, reason: "has no host") }
        var port = 80
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw .invalidURL(url, reason: "port must be 1...65535, got \(portPart)")
            }
            port = value
        }
        host = String(hostPart)
        self.port = port
        baseURL = scheme + authority
    }

    /// The `Host` header: the authority as given.
    var hostHeader: String { String(baseURL.dropFirst("http://".count)) }

    /// The full URL of a request target, for messages.
    func url(_ target: String) -> String { baseURL + target }

    /// A path segment or query value with everything outside RFC 3986's unreserved characters percent-encoded.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                escaped += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return escaped
    }
}
