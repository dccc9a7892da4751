package import HummingbirdCore
package import Logging
package import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1 child channel with the connection guards of issue 14: a header-read timeout (the head of a
/// request must arrive within it), Hummingbird's idle timeout (a connection without a request in progress is
/// closed after it; a parked long-poll or an open stream is a request in progress, so they are excepted), and
/// the client's end of input reported to long-polls.
package struct GuardedHTTP1Channel: ServerChildChannel {
    package typealias Value = HTTP1Channel.Value

    private let http: HTTP1Channel
    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount

    /// - Parameters:
    ///   - responder: the application's responder.
    ///   - headerTimeout: the longest a request head may take to arrive.
    ///   - idleTimeout: the longest a connection may stay open without a request in progress.
    package init(
        responder: @escaping HTTPChannelHandler.Responder,
        headerTimeout: TimeAmount,
        idleTimeout: TimeAmount
    ) {
        http = HTTP1Channel(responder: responder)
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (http, headerTimeout, idleTimeout) = (http, headerTimeout, idleTimeout)
        return channel.eventLoop.makeCompletedFuture { () -> NIOLoopBound<ConnectionGuardState> in
            let state = ConnectionGuardState(eventLoop: channel.eventLoop)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuardHandler(state: state, headerTimeout: headerTimeout),
                position: .first
            )
            return NIOLoopBound(state, eventLoop: channel.eventLoop)
        }.flatMap { state in
            HTTP1Channel(
                responder: http.responder,
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [RequestProgressHandler(state: state.value)],
                    idleTimeout: idleTimeout
                )
            ).setup(channel: channel, logger: logger)
        }
    }

    package func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the connection guards of ``GuardedHTTP1Channel``.
    package static func guardedHTTP1(headerTimeout: TimeAmount, idleTimeout: TimeAmount) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, headerTimeout: headerTimeout, idleTimeout: idleTimeout)
        }
    }
}
