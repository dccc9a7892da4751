import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The subscriber side: `count` SSE connections on `loops` NIO event loops, reporting on stdout `ready` when all hold
/// version 1, `done <v> <cpu seconds>` when all hold version v, then one `receipts <v> <ns>...` line per later version.
///
/// The clients are the measuring instrument and share the cores with the server, so they are lean: a raw request,
/// a check of the status line, then `ReceiptScanner` over the bytes as they come (the chunked framing's lines are
/// neither fields nor blank lines, so it passes over them; each frame is one chunk).
struct FanoutSubscribers {
    let port: Int
    let count: Int
    let versions: Int
    let loops: Int

    func run() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        let tally = ReceiptTally(subscribers: count, versions: versions)
        var channels: [any Channel] = []
        channels.reserveCapacity(count)
        for batchStart in stride(from: 0, to: count, by: 500) {
            let futures = (batchStart..<min(count, batchStart + 500)).map { index in
                connect(index, group: group, tally: tally)
            }
            for future in futures { channels.append(try future.wait()) }
        }
        tally.waitForAllVersions()
        var output = ""
        for version in 2...versions {
            output +=
                "receipts \(version) " + tally.receipts(version: version).map(String.init).joined(separator: " ") + "\n"
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        for channel in channels { channel.close(promise: nil) }
        try group.syncShutdownGracefully()
    }

    private func connect(_ index: Int, group: MultiThreadedEventLoopGroup, tally: ReceiptTally) -> EventLoopFuture<
        any Channel
    > {
        ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FanoutSubscriberHandler(tally: tally))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in
                let path = "/v1/fleets/\(PublishFanoutBenchmark.fleet)/table/stream?device=d-\(index)"
                let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
                return channel.writeAndFlush(ByteBuffer(string: request)).map { channel }
            }
    }
}

/// Checks one subscriber's status line, then stamps each table event's arrival.
final class FanoutSubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private static let statusOK = Array("HTTP/1.1 200 ".utf8)

    private var scanner = ReceiptScanner()
    /// The first bytes until the status line can be checked (nil once it was).
    private var head: ByteBuffer? = ByteBuffer()
    private let tally: ReceiptTally

    init(tally: ReceiptTally) { self.tally = tally }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var pending = head {
            pending.writeBuffer(&buffer)
            guard pending.readableBytes >= Self.statusOK.count else { return head = pending }
            guard pending.readableBytesView.starts(with: Self.statusOK) else {
                let line = pending.readableBytesView.prefix { $0 != UInt8(ascii: "\r") }
                return tally.fail("the stream answered \(String(decoding: line, as: UTF8.self))")
            }
            head = nil
            buffer = pending
        }
        let tally = tally
        buffer.withUnsafeReadableBytes { bytes in
            scanner.scan(bytes) { version in
                guard let version else { return tally.fail("a table event without a version id") }
                tally.record(version: version, at: monotonicNanoseconds())
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !tally.isComplete { tally.fail("a stream ended") }
    }
}

/// Receipt times per version; prints `ready` / `done <v> <cpu seconds>` as versions complete.
final class ReceiptTally: Sendable {
    private struct State {
        var receipts: [[UInt64]]
        var completed = 0
    }

    private let subscribers: Int
    private let state: Mutex<State>
    private let finished = DispatchSemaphore(value: 0)

    init(subscribers: Int, versions: Int) {
        self.subscribers = subscribers
        state = Mutex(
            State(
                receipts: (0..<versions).map { _ in
                    var times: [UInt64] = []
                    times.reserveCapacity(subscribers)
                    return times
                }
            )
        )
    }

    func record(version: UInt64, at time: UInt64) {
        let index = Int(version) - 1
        let (complete, last) = state.withLock { state -> (Bool, Bool) in
            guard state.receipts.indices.contains(index) else { return (false, false) }
            state.receipts[index].append(time)
            guard state.receipts[index].count == subscribers else { return (false, false) }
            state.completed += 1
            return (true, state.completed == state.receipts.count)
        }
        guard complete else { return }
        let line = version == 1 ? "ready\n" : "done \(version) \(processCPUSeconds())\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        if last { finished.signal() }
    }

    /// Whether every version reached every subscriber.
    var isComplete: Bool { state.withLock { $0.completed == $0.receipts.count } }

    func fail(_ reason: String) {
        FileHandle.standardError.write(Data("publish-fanout subscriber: \(reason)\n".utf8))
        exit(1)
    }

    func waitForAllVersions() { finished.wait() }

    func receipts(version: Int) -> [UInt64] { state.withLock { $0.receipts[version - 1] } }
}
