package import Hummingbird
package import NIOCore

/// The request context of the API's own application (`DistributionAPI.buildApplication`): Hummingbird's core
/// context plus the connection's channel.
package struct DistributionRequestContext: ChannelRequestContext {
    /// Hummingbird's per-request storage (logger, endpoint path, parameters).
    package var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    package let channel: any Channel

    /// The context of a request that arrived on `source.channel`.
    ///
    /// - Parameter source: what Hummingbird's application knows about the request.
    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
