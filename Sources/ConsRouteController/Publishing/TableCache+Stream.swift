import NIOCore

extension TableCache {
    /// Opens a server-sent-event stream of `fleet` for `device`: `deliver` gets, on `eventLoop`, the table the
    /// device should apply if it is newer than `version`, then each newer one as it is published, and a heartbeat
    /// frame at each `pulse()`.
    ///
    /// Subscribing inside the actor orders the stream with the publishes around it: no table is missed or sent
    /// twice. The stream counts in `watcherCount(fleet:)` until closed.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name (it need not have a table yet).
    ///   - device: the device id, which selects a canary cohort; nil for the active table.
    ///   - version: the version the client holds (0 for none).
    ///   - eventLoop: the loop of the connection; `deliver` is only called on it.
    ///   - deliver: writes one frame (`PublishedTable.streamFrame` or the heartbeat comment) to the client.
    /// - Returns: the subscription; close it when the stream ends.
    /// - Complexity: O(1); each publish then costs O(1) per open stream of the fleet, on the stream's loop.
    func openStream(
        fleet: String,
        device: String?,
        after version: UInt64,
        on eventLoop: any EventLoop,
        deliver: @escaping @Sendable (StreamFrame) -> Void
    ) -> TableStreamSubscription {
        streams.subscribe(
            fleet: fleet,
            device: device,
            held: version,
            current: fleets[fleet],
            on: eventLoop,
            deliver: deliver
        )
    }
}
