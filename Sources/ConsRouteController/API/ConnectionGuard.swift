import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// What the two handlers of a guarded connection share; lives on the connection's event loop.
final class ConnectionGuardState {
    /// A request's head has started to arrive and is not complete yet.
    var headPending = false
    /// A request's head arrived and its end has not: bytes now are its body, not a new head.
    var inRequest = false
    var headTimer: Scheduled<Void>?
    /// Completed when the client closes its side (or the connection goes): a parked long-poll stops waiting.
    let inputClosed: EventLoopPromise<Void>
    private var isInputClosed = false

    init(eventLoop: any EventLoop) {
        inputClosed = eventLoop.makePromise()
    }

    func closeInput() {
        guard !isInputClosed else { return }
        isInputClosed = true
        inputClosed.succeed()
    }

    func cancelHeadTimer() {
        headTimer?.cancel()
        headTimer = nil
        headPending = false
    }
}

/// First in a connection's pipeline (raw bytes): closes a connection whose request head does not arrive completely
/// within the header timeout (a slow or stalled client holding a descriptor), and reports the client's end of
/// input, so that a parked long-poll can end without consuming the connection (keep-alive survives it).
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let state: ConnectionGuardState
    private let headerTimeout: TimeAmount

    init(state: ConnectionGuardState, headerTimeout: TimeAmount) {
        self.state = state
        self.headerTimeout = headerTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !state.inRequest, !state.headPending {
            state.headPending = true
            let channel = context.channel
            state.headTimer = context.eventLoop.assumeIsolated().scheduleTask(in: headerTimeout) { [state] in
                guard state.headPending else { return }
                channel.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event { state.closeInput() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.cancelHeadTimer()
        state.closeInput()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        state.cancelHeadTimer()
        state.closeInput()
    }

    /// The future completed when the client of `channel` closes its input; nil on a connection without the guard
    /// (an in-process test channel).
    static func inputClosed(of channel: any Channel) async -> EventLoopFuture<Void>? {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ConnectionGuardHandler.self).state.inputClosed
                .futureResult
        }.get()
    }
}

/// After HTTP decoding: tells the guard when a request's head is complete (the header timer stops) and when its end
/// arrived (the next bytes start a new head).
final class RequestProgressHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let state: ConnectionGuardState

    init(state: ConnectionGuardState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            state.cancelHeadTimer()
            state.inRequest = true
        case .body:
            break
        case .end:
            state.inRequest = false
        }
        context.fireChannelRead(data)
    }
}
