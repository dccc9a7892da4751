public import ConsRouteModel
public import NIOCore
import NIOHTTP1
public import NIOPosix

/// An HTTP/1.1 client of the distribution API (docs/design.md §7): the table to apply, long-poll, server-sent events,
/// fleet status and the admin actions.
///
/// A value type holding only the address and settings; each request opens its own connection on the event-loop
/// group, so a client can be shared by any number of tasks.
public struct TableClient: Sendable {
    /// The base URL, `http://host:port`.
    public var baseURL: String { address.baseURL }
    /// Timeouts, response size limit and reconnection backoff.
    public let configuration: TableClientConfiguration
    let address: ServerAddress
    let group: any EventLoopGroup

    /// A client of the API at `url`.
    ///
    /// - Parameters:
    ///   - url: the base URL, `http://host:port`.
    ///   - configuration: timeouts, limits and backoff.
    ///   - group: the event loops the connections run on (default: NIO's shared singleton).
    /// - Throws: `TableClientError.invalidURL` saying what is wrong with `url`.
    public init(
        url: String,
        configuration: TableClientConfiguration = TableClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(TableClientError) {
        address = try ServerAddress(url: url)
        self.configuration = configuration
        self.group = group
    }

    /// `GET /v1/fleets/{fleet}/table[?device=]`: the table the device should apply.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, which selects a canary cohort (nil: the active table).
    ///   - ifNoneMatch: the version the caller holds, sent as `If-None-Match`; the answer is then `.notModified`
    ///     if that is still the one to apply.
    /// - Throws: `TableClientError`; `.status` with 404 if the fleet has no table.
    public func table(fleet: String, device: String? = nil, ifNoneMatch: UInt64? = nil) async throws -> TableResponse {
        var headers: [(name: String, value: String)] = []
        if let ifNoneMatch { headers.append((name: "If-None-Match", value: "\"\(ifNoneMatch)\"")) }
        let target = Self.tablePath(fleet: fleet) + Self.query(["device": device])
        return try await tableRequest(target: target, headers: headers, timeout: configuration.requestTimeout)
    }

    /// `GET /v1/fleets/{fleet}/table?after=&wait=`: a long-poll. Answers at once with a table newer than `after`,
    /// else with the first one published within `wait`, else `.notModified`.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id (canary cohort), or nil.
    ///   - after: the version the caller holds (0 for none).
    ///   - wait: how long the server may park the request (at most its configured maximum, 60 s by default).
    /// - Throws: `TableClientError`; `.status` with 400 naming `wait` if it is above the server's maximum.
    public func waitForTable(fleet: String, device: String? = nil, after: UInt64, wait: Duration) async throws
        -> TableResponse
    {
        // Whole milliseconds, written as seconds: `30.0`, `0.25`.
        let seconds = String(Double(wait.wholeNanoseconds / 1_000_000) / 1000)
        let target =
            Self.tablePath(fleet: fleet) + Self.query(["device": device, "after": String(after), "wait": seconds])
        return try await tableRequest(target: target, headers: [], timeout: wait + configuration.requestTimeout)
    }

    /// `GET /v1/fleets/{fleet}/status`: versions served, canary, subscriber counts, and the controller's fields.
    ///
    /// - Parameter fleet: the fleet name.
    /// - Returns: the status object.
    /// - Throws: `TableClientError`; `.status` with 404 for an unknown fleet.
    public func status(fleet: String) async throws -> JSONValue {
        try await jsonRequest(HTTPExchange(method: .GET, target: "/v1/fleets/\(ServerAddress.escape(fleet))/status"))
    }

    /// Sends `exchange` and reads a JSON answer; any status but 200 is an error naming the API's message.
    func jsonRequest(_ exchange: HTTPExchange) async throws -> JSONValue {
        let url = address.url(exchange.target)
        let limit = configuration.maximumResponseBytes
        let (code, body) = try await send(exchange, timeout: configuration.requestTimeout) { head, inbound in
            (Int(head.status.code), try await HTTPExchange.collectBody(&inbound, limit: limit, url: url))
        }
        guard code == 200 else { throw Self.statusError(url: url, code: code, body: body) }
        do {
            return try JSONValue.parse(body)
        } catch {
            throw TableClientError.malformedResponse(url: url, reason: "the body is not JSON: \(error)")
        }
    }

    /// Sends a table request and reads its 200 or 304.
    private func tableRequest(target: String, headers: [(name: String, value: String)], timeout: Duration)
        async throws -> TableResponse
    {
        let url = address.url(target)
        let limit = configuration.maximumResponseBytes
        let exchange = HTTPExchange(method: .GET, target: target, headers: headers)
        let (head, body) = try await send(exchange, timeout: timeout) { head, inbound in
            (head, try await HTTPExchange.collectBody(&inbound, limit: limit, url: url))
        }
        let tag = head.headers.first(name: "ETag").flatMap(Self.version(ofEntityTag:))
        switch head.status.code {
        case 200:
            guard let tag else {
                throw TableClientError.malformedResponse(url: url, reason: "a table without a version ETag")
            }
            return .table(envelope: body, version: tag)
        case 304:
            return .notModified(version: tag)
        default:
            throw Self.statusError(url: url, code: Int(head.status.code), body: body)
        }
    }

    /// Performs `exchange` within `timeout`.
    func send<Result: Sendable>(
        _ exchange: HTTPExchange,
        timeout: Duration,
        _ handle: (HTTPResponseHead, inout HTTPExchange.Inbound) async throws -> Result
    ) async throws -> Result {
        try await exchange.perform(
            at: address,
            group: group,
            connectTimeout: configuration.connectTimeout,
            timeout: timeout,
            handle
        )
    }

    /// The error for an unexpected status: the API's `error` message if the body is its JSON error, else the
    /// body's text (at most 200 characters).
    static func statusError(url: String, code: Int, body: [UInt8]) -> TableClientError {
        if case .object(let members)? = try? JSONValue.parse(body), case .string(let message)? = members["error"] {
            return .status(url: url, code: code, message: message)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return .status(url: url, code: code, message: text.isEmpty ? "(no body)" : text)
    }

    /// The version an `ETag` (`"7"` or `W/"7"`) names.
    static func version(ofEntityTag tag: String) -> UInt64? {
        var text = Substring(tag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return nil }
        return UInt64(text.dropFirst().dropLast())
    }

    static func tablePath(fleet: String) -> String {
        "/v1/fleets/\(ServerAddress.escape(fleet))/table"
    }

    /// `?name=value&...` of the non-nil values, in the order of the names, escaped; empty if none.
    static func query(_ parameters: KeyValuePairs<String, String?>) -> String {
        let items = parameters.compactMap { name, value in value.map { "\(name)=\(ServerAddress.escape($0))" } }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }
}
