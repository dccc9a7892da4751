public import ConsRouteModel
public import ConsRouteRouter

/// A device's subscription: keeps a `DeviceRouter` up to date from the distribution API.
///
/// Every table received is handed to `DeviceRouter.apply(envelope:)`, which verifies it (fleet, pinned key,
/// signature, fingerprint, version never lower, expiry, canary cohort) and applies it or rejects it; each
/// acknowledgement goes to the caller, who produces it to the acks topic or prints it. The device id selects the
/// canary cohort on the server, as the router checks it.
public struct TableSubscription: Sendable {
    /// The API client.
    public let client: TableClient
    /// The router kept up to date.
    public let router: DeviceRouter
    /// Server-sent events or long-poll.
    public let transport: TableTransport
    /// How long one long-poll request may be parked by the server (at most its maximum, 60 s by default).
    public let longPollWait: Duration

    /// A subscription of `router` (its fleet and device id) through `client`.
    ///
    /// - Parameters:
    ///   - client: the API client.
    ///   - router: the router to keep up to date.
    ///   - transport: server-sent events or long-poll.
    ///   - longPollWait: the long-poll `wait` (default 30 s).
    public init(
        client: TableClient,
        router: DeviceRouter,
        transport: TableTransport,
        longPollWait: Duration = .seconds(30)
    ) {
        self.client = client
        self.router = router
        self.transport = transport
        self.longPollWait = longPollWait
    }

    /// Receives tables until the task is cancelled, and reports each apply or reject to `acknowledge`.
    ///
    /// It starts with a conditional `GET` (`If-None-Match`: the router's current table, e.g. the last good one
    /// reloaded from disk): 304 when the device is current; a newer table is applied; an older one (a controller
    /// restored from an old backup) is rejected as `version not newer`, so the acks show the device ahead of the
    /// server instead of saying nothing. Then it follows the fleet by `transport`. Connection failures, timeouts
    /// and 5xx answers are retried with the client's backoff; the subscription never gives up on a controller
    /// that is down.
    ///
    /// - Parameters:
    ///   - ready: called once, after the first request was answered and its table (if any) applied: from then
    ///     on the router holds what the server served at start.
    ///   - acknowledge: called with every acknowledgement, in order; a throw ends the subscription.
    /// - Throws: what `acknowledge` throws, or a `TableClientError` that retrying cannot fix (a 4xx other than
    ///   408 and 429, a malformed response). Returns normally when cancelled.
    public func run(
        ready: @Sendable () -> Void = {},
        acknowledge: @Sendable (TableAcknowledgement) async throws -> Void
    ) async throws {
        do {
            let received = try await checkCurrent(acknowledge)
            ready()
            switch transport {
            case .sse: try await followStream(after: received, acknowledge)
            case .longPoll: try await longPoll(after: received, acknowledge)
            }
        } catch is CancellationError {
            return
        } catch  where Task.isCancelled {
            // A request cut short by the cancellation fails in its own way; the subscription simply ends.
            return
        }
    }

    private var heldVersion: UInt64 { router.table?.table.version ?? 0 }

    /// The first, conditional request; retried like the others; a fleet without a table yet (404) is no error.
    ///
    /// - Returns: the version to follow from: the one received, applied or not, or the one held.
    private func checkCurrent(_ acknowledge: @Sendable (TableAcknowledgement) async throws -> Void) async throws
        -> UInt64
    {
        var backoff = client.configuration.backoff
        while true {
            let held = router.table?.table.version
            do {
                let response = try await client.table(
                    fleet: router.configuration.fleet,
                    device: router.configuration.deviceID,
                    ifNoneMatch: held
                )
                if case .table(let envelope, let version) = response {
                    try await acknowledge(router.apply(envelope: envelope))
                    return max(version, heldVersion)
                }
                return heldVersion
            } catch TableClientError.status(_, 404, _) {
                return heldVersion
            } catch let error as TableClientError where error.isRetryable {
                try await Task.sleep(for: backoff.nextDelay())
            }
        }
    }

    private func followStream(after: UInt64, _ acknowledge: @Sendable (TableAcknowledgement) async throws -> Void)
        async throws
    {
        let fleet = router.configuration.fleet
        let device = router.configuration.deviceID
        for try await envelope in client.stream(fleet: fleet, device: device, after: after) {
            try await acknowledge(router.apply(envelope: envelope))
        }
    }

    private func longPoll(after: UInt64, _ acknowledge: @Sendable (TableAcknowledgement) async throws -> Void)
        async throws
    {
        let fleet = router.configuration.fleet
        let device = router.configuration.deviceID
        // The last version received, applied or not: asking again for a rejected version would get it back at
        // once, in a loop.
        var received = after
        var backoff = client.configuration.backoff
        while true {
            try Task.checkCancellation()
            let response: TableResponse
            do {
                response = try await client.waitForTable(
                    fleet: fleet,
                    device: device,
                    after: max(received, heldVersion),
                    wait: longPollWait
                )
                backoff.reset()
            } catch let error as TableClientError where error.isRetryable {
                try await Task.sleep(for: backoff.nextDelay())
                continue
            }
            if case .table(let envelope, let version) = response {
                received = max(received, version)
                try await acknowledge(router.apply(envelope: envelope))
            }
        }
    }
}
