import ConsRouteKafka
import Logging
import Synchronization
import Testing

@testable import ConsRouteController

/// The ingest commit queue with a committer that refuses as told and records what it was sent.
@Suite("Ordered group commits")
struct OrderedCommitsTests {
    private struct Refused: Error {}

    /// Refuses the first `refusals` commits (all of them when nil), records every commit it is sent.
    private final class Committer: Sendable {
        private let state: Mutex<(refusals: Int?, sent: [[Int32: Int64]])>

        init(refusals: Int?) { state = Mutex((refusals, [])) }

        var sent: [[Int32: Int64]] { state.withLock { $0.sent } }

        func commit(_ offsets: [KafkaTopicPartition: KafkaCommittedOffset]) throws {
            try state.withLock { state in
                state.sent.append(Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.partition, $0.value.offset) }))
                guard let refusals = state.refusals else { throw Refused() }
                if refusals > 0 {
                    state.refusals = refusals - 1
                    throw Refused()
                }
            }
        }

        func queue() -> OrderedCommits {
            OrderedCommits(logger: Logger(label: "test")) { try self.commit($0) }
        }
    }

    private static func partition(_ number: Int32) -> KafkaTopicPartition {
        KafkaTopicPartition(topic: "telemetry", partition: number)
    }

    private static func checkpoint(_ offsets: [Int32: Int64]) -> [KafkaTopicPartition: KafkaCommittedOffset] {
        Dictionary(
            uniqueKeysWithValues: offsets.map {
                (partition($0.key), KafkaCommittedOffset(offset: $0.value))
            }
        )
    }

    @Test("a refused checkpoint goes out again with the next commit, whatever partition that one is for")
    func refusedGoesWithTheNext() async {
        let committer = Committer(refusals: 2)
        let commits = committer.queue()
        // Each commit's attempt is awaited (flush without retries) before the next batch's is asked.
        commits.commit(Self.checkpoint([0: 10]))
        #expect(await commits.flush(retries: 0).mapValues(\.offset) == [Self.partition(0): 10])
        commits.commit(Self.checkpoint([1: 5]))
        #expect(await commits.flush(retries: 0).count == 2)
        commits.commit(Self.checkpoint([0: 20]))
        #expect(await commits.flush(retries: 0).isEmpty && commits.pending.isEmpty)
        #expect(committer.sent == [[0: 10], [0: 10, 1: 5], [0: 20, 1: 5]])
    }

    @Test("flush retries what is still refused, and reports what it could not commit; forget drops given-up partitions")
    func flushRetriesThenReports() async {
        let recovering = Committer(refusals: 2)
        let commits = recovering.queue()
        commits.commit(Self.checkpoint([3: 7]))
        #expect(await commits.flush(retries: 3).isEmpty)
        #expect(recovering.sent == [[3: 7], [3: 7], [3: 7]])

        let refusing = Committer(refusals: nil)
        let stuck = refusing.queue()
        stuck.commit(Self.checkpoint([0: 4, 1: 9]))
        let left = await stuck.flush(retries: 2)
        #expect(left.mapValues(\.offset) == Self.checkpoint([0: 4, 1: 9]).mapValues(\.offset))
        #expect(refusing.sent.count == 3)
        stuck.forget([Self.partition(0)])
        #expect(stuck.pending.keys.map(\.partition) == [1])
        #expect(await stuck.flush(retries: 0).keys.map(\.partition) == [1])
    }

    @Test("nothing pending: flush sends nothing")
    func nothingPending() async {
        let committer = Committer(refusals: 0)
        let commits = committer.queue()
        #expect(await commits.flush().isEmpty)
        commits.commit(Self.checkpoint([2: 1]))
        #expect(await commits.flush().isEmpty)
        #expect(committer.sent == [[2: 1]])
    }
}
