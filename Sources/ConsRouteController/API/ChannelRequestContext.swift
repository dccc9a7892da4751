public import Hummingbird
public import NIOCore

/// A request context that knows the connection's channel, so that server-sent-event streams are written straight
/// onto it from its event loop instead of through a task per subscriber.
///
/// The API serves streams for any `RequestContext`; with this one a publish to thousands of subscribers costs one
/// event-loop task per loop instead of one task wake-up and writer hop per subscriber.
public protocol ChannelRequestContext: RequestContext {
    /// The connection the request arrived on.
    var channel: any Channel { get }
}

/// The request context of the API's own application (`DistributionAPI.buildApplication`): Hummingbird's core
/// context plus the connection's channel.
public struct DistributionRequestContext: ChannelRequestContext {
    /// Hummingbird's per-request storage (logger, endpoint path, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    public let channel: any Channel

    /// The context of a request that arrived on `source.channel`.
    ///
    /// - Parameter source: what Hummingbird's application knows about the request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
