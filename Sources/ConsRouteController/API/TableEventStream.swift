import ConsRouteClient
import NIOCore

/// The server-sent events of one subscriber: every table its device should apply that is newer than the one it
/// holds, as `event: table` frames, and a comment heartbeat at each `TableCache.pulse()` (from
/// `TableCacheHeartbeat`) that finds it idle.
///
/// Never ends by itself; the subscriber's stream ends when the task is cancelled (the client went away) or the
/// server shuts down gracefully.
struct TableEventStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let cache: TableCache
    let fleet: String
    let device: String?
    /// The version the client holds (from `Last-Event-ID`; 0 for none).
    let heldVersion: UInt64

    static let heartbeatFrame = ServerSentEvent.comment("heartbeat")

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self, held: heldVersion)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let stream: TableEventStream
        var held: UInt64

        /// The next frame: a newer table as soon as there is one, else a heartbeat at the next pulse.
        ///
        /// - Throws: `CancellationError` when the task is cancelled.
        mutating func next() async throws -> ByteBuffer? {
            let table = try await stream.cache.watchUntilPulse(fleet: stream.fleet, device: stream.device, after: held)
            guard let table else { return TableEventStream.heartbeatFrame }
            held = table.version
            return table.streamEvent
        }
    }
}
