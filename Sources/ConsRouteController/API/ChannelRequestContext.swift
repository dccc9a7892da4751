package import Hummingbird
package import NIOCore

/// A request context that knows the connection's channel, so that server-sent-event streams are written straight
/// onto it from its event loop instead of through a task per subscriber.
///
/// The API serves streams for any `RequestContext`; with this one a publish to thousands of subscribers costs one
/// event-loop task per loop instead of one task wake-up and writer hop per subscriber.
package protocol ChannelRequestContext: RequestContext {
    /// The connection the request arrived on.
    var channel: any Channel { get }
}
