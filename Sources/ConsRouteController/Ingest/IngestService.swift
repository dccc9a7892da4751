import ConsRouteKafka
package import ConsRouteModel
package import ConsRouteStore
import Foundation
package import Logging
import Synchronization

/// Consumes telemetry from Kafka and applies each batch's effect to history exactly once (docs/design.md §6.1).
///
/// Each batch's statistics, dead letters and advanced offsets are written in one SQLite transaction; on
/// start, and whenever a partition is assigned, the consumer seeks to the stored offsets, so a crash at any
/// point neither loses nor repeats an event's effect. State that is not in SQLite (the dedupe windows and
/// whatever `onEvents` rebuilds) is rebuilt by re-reading each partition from its stored replay offset: those
/// messages are replayed, never counted. Dead letters go through an outbox (see `DeadLetterForwarder`).
///
/// A partition re-assigned to this same process (a rebalance, a consumer restarted after a broker outage) is
/// replayed too, to rebuild its dedupe window, but events this process already handed to `onEvents` are not
/// handed again: the window state built from them is still here.
package final class IngestService: Sendable {
    /// Accepted events of a batch, or events re-read to rebuild in-memory state (`isReplay`).
    package typealias EventSink = @Sendable (_ events: [TelemetryEvent], _ isReplay: Bool) async -> Void

    /// Totals since start, for metrics and logs.
    package struct Counters: Sendable, Equatable {
        package var batches = 0
        package var accepted = 0
        package var replayed = 0
        package var deadLettered = 0
        package var rejections: [String: Int] = [:]
        /// Messages skipped because the broker no longer had them when the consumer got there (retention
        /// deleted them, or an offset reset jumped past them): a gap between consecutive offsets of a partition.
        package var lost = 0
        /// Whether the consumer holds an assignment (it has joined its group).
        package var isAssigned = false
        /// Messages between the consumer's positions and the partition ends (nil before the first measurement).
        package var lag: Int64?
    }

    package let configuration: IngestConfiguration
    private let store: HistoryStore
    private let sink: EventSink
    private let logger: Logger
    private let state = Mutex(Counters())
    /// Why the last run failed, until a later one is assigned partitions or stores a batch (`/readyz`).
    private let lastFailure = Mutex<String?>(nil)
    /// Per partition, the offset after the last event handed to `onEvents` by this process.
    private let handedOffsets = Mutex<[Int32: Int64]>([:])
    /// Told of assignments, revocations and which partition each fleet's telemetry arrives on.
    private let ownership: FleetOwnership?

    /// - Parameters:
    ///   - store: where effects and offsets are written.
    ///   - onEvents: receives accepted (and replayed) events, in order, after their batch is stored.
    ///   - logger: where offset gaps and a change of Kafka cluster are reported.
    package init(
        configuration: IngestConfiguration,
        store: HistoryStore,
        onEvents: @escaping EventSink = { _, _ in },
        ownership: FleetOwnership? = nil,
        logger: Logger = Logger(label: "consroute.ingest")
    ) {
        self.ownership = ownership
        self.configuration = configuration
        self.store = store
        self.sink = onEvents
        self.logger = logger
    }

    /// Totals since start.
    package var counters: Counters { state.withLock { $0 } }

    /// The consumer lag at the last measurement (every 2 s while running, idle partitions included).
    package var lag: Int64? { state.withLock { $0.lag } }

    /// Consumes until the task is cancelled or the consumer stops; returns after the current batch is stored.
    /// Cancellation is a graceful stop, not an error.
    ///
    /// - Throws: Kafka and history errors (the caller restarts or exits; nothing stored is lost).
    package func run() async throws {
        do {
            try await consume()
        } catch is CancellationError {
        } catch {
            if !Task.isCancelled { lastFailure.withLock { $0 = "\(error)" } }
            throw error
        }
    }

    /// Why ingestion cannot run, or nil while it runs: set when a run fails (a broker setting librdkafka refuses,
    /// history that cannot be written, a disk that is full), cleared when a later run gets its partitions or
    /// stores a batch. The controller is not ready (`/readyz`) while it is set.
    package var failure: String? { lastFailure.withLock { $0 } }

    private func consume() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafka))
        // Stored offsets are positions in one cluster's log: on another cluster (an embedded broker is a new one in
        // every process) they would make its first events count as replayed.
        do {
            if configuration.role == .loop {
                // This role keeps no offsets in history: the group's committed offsets are its checkpoint.
            } else if let clusterID = try await producer.clusterID(timeout: configuration.sessionTimeout) {
                let binding = try await store.bindConsumerOffsets(
                    group: configuration.group,
                    topic: configuration.telemetryTopic,
                    clusterID: clusterID
                )
                if case .changed = binding { handedOffsets.withLock { $0.removeAll() } }
                Self.log(
                    binding,
                    group: configuration.group,
                    topic: configuration.telemetryTopic,
                    clusterID: clusterID,
                    logger: logger
                )
            } else {
                logger.warning(
                    "the broker reported no cluster id: stored offsets cannot be checked against their log",
                    metadata: ["topic": "\(configuration.telemetryTopic)"]
                )
            }
        } catch {
            await producer.shutdown(flushTimeout: .zero)
            throw error
        }
        let forwarder = DeadLetterForwarder(store: store, producer: producer, configuration: configuration)
        do {
            try await forwarder.reconcile()
            try await forwarder.flush()
        } catch {
            await producer.shutdown(flushTimeout: .zero)
            throw error
        }
        let countFrom = LiveOffsets()
        let store = store
        let configuration = configuration
        let logger = logger
        // The start-offset provider asks the group's committed offsets through the consumer it starts.
        let committed = CommittedOffsets()
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: configuration.kafka,
                groupID: configuration.group,
                topics: [configuration.telemetryTopic],
                sessionTimeout: configuration.sessionTimeout,
                maxBatchSize: configuration.batchSize
            ),
            startOffsets: { partitions in
                let stored =
                    configuration.role == .loop
                    ? [:]
                    : try await store.storedConsumerOffsets(
                        group: configuration.group,
                        topic: configuration.telemetryTopic
                    )
                // Another replica of the group may have counted this partition further than this history did
                // (it owned the partition meanwhile, and commits after storing): its committed offset is where
                // counting resumes, and what lies between is replayed to rebuild the window, not counted again.
                let fromGroup = await committed.fetch(partitions, timeout: configuration.sessionTimeout)
                var starts: [KafkaTopicPartition: Int64] = [:]
                for partition in partitions {
                    let own = stored[partition.partition]
                    let group = fromGroup[partition]
                    if let own, own.nextOffset >= group?.offset ?? 0 {
                        starts[partition] = own.replayOffset ?? own.nextOffset
                        countFrom.set(partition.partition, own.nextOffset)
                    } else if let group {
                        // Another replica counted this partition further (or this history never had it): counting
                        // resumes at its commit, and re-reading starts at the replay offset it committed with it,
                        // so the dedupe window and the fleet's window are rebuilt as that replica had them.
                        // A broker that drops commit metadata (Tansu does) leaves no replay offset: re-reading the
                        // dedupe window's length before the commit rebuilds the same state (re-read, never counted).
                        let replay =
                            IngestCheckpoint(metadata: group.metadata)?.replayOffset
                            ?? max(0, group.offset - Int64(configuration.dedupeWindow))
                        starts[partition] = min(replay, group.offset)
                        countFrom.set(partition.partition, group.offset)
                        logger.notice(
                            "partition taken over: counting resumes at the group's committed offset, state is re-read from its replay offset",
                            metadata: [
                                "partition": "\(partition.partition)", "history": "\(own?.nextOffset ?? -1)",
                                "committed": "\(group.offset)", "replay_from": "\(min(replay, group.offset))",
                            ]
                        )
                    }
                }
                return starts
            }
        )
        committed.consumer = consumer
        let commits = OrderedCommits(consumer: consumer, logger: logger)
        // Per partition, the offset after the last message consumed in this run, to see gaps.
        var consumed: [Int32: Int64] = [:]
        var processor = IngestProcessor(
            decoder: TelemetryDecoder(
                fleets: configuration.fleets,
                maximumMessageBytes: configuration.maximumMessageBytes,
                limits: configuration.limits
            ),
            dedupeCapacity: configuration.dedupeWindow,
            bucketWidthMs: configuration.bucketWidthMs
        )
        // One batch is written to history while the next is decoded (two cores: CPU and SQLite overlap);
        // writes stay in order because each waits for the one before.
        var inFlight: Task<[KafkaTopicPartition: KafkaCommittedOffset], any Error>?
        // The lag is measured on a timer, not when messages arrive: on an idle partition no message comes, and a
        // lag measured during the last burst would stay frozen (issue 13).
        let lagTask = Task { [self] in
            while !Task.isCancelled {
                if let lags = try? await consumer.lag() {
                    let total = lags.reduce(Int64(0)) { $0 + max(0, $1.lag ?? 0) }
                    state.withLock { $0.lag = total }
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
        defer { lagTask.cancel() }
        do {
            for try await event in consumer.events {
                if Task.isCancelled { break }
                switch event {
                case .messages(let batch):
                    // Paused past the session timeout: the group gave these partitions to another replica, which
                    // counts them from the last commit; counting them here too would count them twice.
                    if consumer.isAssignmentLost {
                        logger.warning(
                            "the group took this replica's partitions away (session timeout): batch not counted",
                            metadata: ["messages": "\(batch.count)"]
                        )
                        continue
                    }
                    observeFleets(batch)
                    await countGaps(batch, consumed: &consumed, stored: countFrom.all, consumer: consumer)
                    let prepared = prepare(batch, processor: &processor, countFrom: countFrom)
                    _ = try await inFlight?.value
                    if let replayed = prepared.replayed, configuration.role != .history { await sink(replayed, true) }
                    if let (effect, result) = prepared.live {
                        // Kafka's committed offsets are where another replica of the group resumes a partition it
                        // takes over (this history's offsets are this replica's own): committed as soon as the batch
                        // is stored, so a replica killed between the two leaves at most that batch to count again.
                        // Not awaited: commits go out in order (each waits for the one before) while the next batch
                        // is stored.
                        let checkpoint = self.checkpoint(effect)
                        inFlight = Task {
                            try await self.store(effect, result, forwarder: forwarder)
                            commits.commit(checkpoint)
                            return checkpoint
                        }
                    } else {
                        inFlight = nil
                    }
                case .revoked(let partitions):
                    // The next owner resumes at the group's committed offsets: they must be this replica's last
                    // stored batch before the partitions are given up (a failed commit is tried again here).
                    _ = try await inFlight?.value
                    inFlight = nil
                    await flushCommits(commits, then: partitions, retries: 1)
                    for partition in partitions {
                        processor.dropPartition(partition.partition)
                        countFrom.set(partition.partition, nil)
                    }
                    for partition in partitions { consumed[partition.partition] = nil }
                    ownership?.revoked(partitions.map(\.partition))
                case .assigned(let partitions):
                    ownership?.assigned(partitions.map(\.partition))
                    state.withLock { $0.isAssigned = true }
                    lastFailure.withLock { $0 = nil }
                case .error:
                    break
                }
            }
            _ = try await inFlight?.value
            await flushCommits(commits, then: nil, retries: 2)
        } catch {
            lagTask.cancel()
            // The batches stored before the failure are committed, so the next owner does not count them again.
            _ = try? await inFlight?.value
            await flushCommits(commits, then: nil, retries: 1)
            await consumer.shutdown()
            await producer.shutdown()
            throw error
        }
        lagTask.cancel()
        await consumer.shutdown()
        await producer.shutdown()
    }

    /// Tells the ownership which partition each fleet's keyed telemetry arrives on (once per fleet and batch).
    private func observeFleets(_ batch: [KafkaMessage]) {
        guard let ownership, !batch.isEmpty else { return }
        var seen: [[UInt8]: Int32] = [:]
        for index in batch.indices {
            guard let key = batch[index].key, seen[key] == nil else { continue }
            seen[key] = batch[index].partition
        }
        for (key, partition) in seen {
            ownership.observed(fleet: String(decoding: key, as: UTF8.self), partition: partition)
        }
    }

    /// A batch split into messages to replay (below the stored offsets) and the live part's effect.
    private struct PreparedBatch {
        var replayed: [TelemetryEvent]?
        var live: (IngestEffect, IngestProcessor.BatchResult)?
    }

    private func prepare(_ batch: [KafkaMessage], processor: inout IngestProcessor, countFrom: LiveOffsets)
        -> PreparedBatch
    {
        let thresholds = countFrom.all
        let handed = handedOffsets.withLock { $0 }
        let nowMs = WallClock.nowMs()
        var rebuildOnly: [IngestMessage] = []
        var replay: [IngestMessage] = []
        var live: [IngestMessage] = []
        live.reserveCapacity(batch.count)
        // By index, so that only the value buffer is retained, not every field of each message.
        for index in batch.indices {
            let partition = batch[index].partition
            let offset = batch[index].offset
            // An event's time must lie near the broker's timestamp (a backlog is old, not wrong), or near now when the
            // broker gives none; a timestamp from the future or before 1970 is no reference.
            let reference = batch[index].timestampMilliseconds.map { min(max($0, 0), nowMs) } ?? nowMs
            let ingest = IngestMessage(
                partition: partition,
                offset: offset,
                value: batch[index].value,
                contentType: batch[index].headers.first(named: "content-type")?.stringValue,
                referenceTimeMs: reference
            )
            if let from = thresholds[partition], offset < from {
                if let next = handed[partition], offset < next {
                    rebuildOnly.append(ingest)
                } else {
                    replay.append(ingest)
                }
            } else {
                live.append(ingest)
            }
        }
        var prepared = PreparedBatch()
        if !rebuildOnly.isEmpty { _ = processor.replay(rebuildOnly) }
        if !replay.isEmpty {
            prepared.replayed = processor.replay(replay)
            let ends = Dictionary(replay.map { ($0.partition, $0.offset + 1) }, uniquingKeysWith: max)
            state.withLock { $0.replayed += replay.count }
            handedOffsets.withLock { $0.merge(ends, uniquingKeysWith: max) }
        }
        guard !live.isEmpty else { return prepared }
        let result = processor.process(live)
        let now = nowMs
        let effect = IngestEffect(
            statistics: result.statistics,
            offsets: result.nextOffsets.map { partition, next in
                ConsumerOffset(
                    group: configuration.group,
                    topic: configuration.telemetryTopic,
                    partition: partition,
                    nextOffset: next,
                    replayOffset: processor.replayStartOffset(partition: partition).map { min($0, next) }
                )
            },
            deadLetters: result.deadLetters.map { letter in
                DeadLetterRecord(
                    sourceTopic: configuration.telemetryTopic,
                    sourcePartition: letter.partition,
                    sourceOffset: letter.offset,
                    reasonCode: letter.reason.code,
                    reason: letter.reason.description,
                    contentType: letter.contentType,
                    value: letter.value,
                    recordedAt: now
                )
            }
        )
        prepared.live = (effect, result)
        return prepared
    }

    /// Writes the part of a batch's effect this role keeps, hands its events on, forwards its dead letters.
    private func store(
        _ effect: IngestEffect,
        _ result: IngestProcessor.BatchResult,
        forwarder: DeadLetterForwarder
    ) async throws {
        var kept = effect
        switch configuration.role {
        case .full: break
        case .history: kept.deadLetters = []
        case .loop: (kept.statistics, kept.offsets) = ([], [])
        }
        try await store.apply(kept)
        lastFailure.withLock { $0 = nil }
        state.withLock { counters in
            counters.batches += 1
            counters.accepted += result.accepted.count
            counters.deadLettered += result.deadLetters.count
            for (code, count) in result.rejections { counters.rejections[code, default: 0] += count }
        }
        if configuration.role != .history { await sink(result.accepted, false) }
        handedOffsets.withLock { $0.merge(result.nextOffsets, uniquingKeysWith: max) }
        if !kept.deadLetters.isEmpty { try await forwarder.flush() }
    }

    /// Counts and logs messages the consumer jumped over that the broker no longer has (retention deleted them
    /// before the consumer got there): within a run, a gap between consecutive offsets of a partition; across
    /// runs, a partition's first message after an assignment beyond the stored next offset (`stored`). Offsets of a
    /// gap at or above the partition's low watermark are still in the log and hold nothing a consumer receives
    /// (transaction markers, aborted records): not lost, logged at debug level. The low watermark is the one the
    /// fetch that brought the batch reported (a round trip only where the broker reports none); when it cannot be
    /// read, the whole gap counts as lost.
    private func countGaps(
        _ batch: [KafkaMessage],
        consumed: inout [Int32: Int64],
        stored: [Int32: Int64],
        consumer: KafkaConsumer
    ) async {
        var gaps = OffsetGaps()
        // By index: the loop reads two integers and must not copy (retain) each message's buffers.
        for index in batch.indices {
            gaps.observe(
                partition: batch[index].partition,
                offset: batch[index].offset,
                consumed: &consumed,
                stored: stored
            )
        }
        guard !gaps.gaps.isEmpty else { return }
        var lowWatermarks: [Int32: Int64] = [:]
        for partition in gaps.partitions {
            let topicPartition = KafkaTopicPartition(topic: configuration.telemetryTopic, partition: partition)
            do {
                lowWatermarks[partition] = try await consumer.lowWatermark(of: topicPartition)
            } catch {
                logger.warning(
                    "cannot read the partition's low watermark: offsets skipped there are all counted as lost",
                    metadata: ["partition": "\(partition)", "error": "\(error)"]
                )
            }
        }
        let lost = gaps.lost(lowWatermarks: lowWatermarks)
        if lost > 0 { state.withLock { $0.lost += lost } }
        for gap in gaps.gaps {
            let low = lowWatermarks[gap.partition]
            let missing = gap.lost(lowWatermark: low)
            let metadata: Logger.Metadata = [
                "topic": "\(configuration.telemetryTopic)", "partition": "\(gap.partition)",
                "offsets": "\(gap.from)..<\(gap.to)", "lost": "\(missing)",
                "low_watermark": "\(low.map(String.init) ?? "unknown")",
            ]
            if missing > 0 {
                logger.warning(
                    "telemetry lost: the broker no longer has these messages (retention, or an offset reset)",
                    metadata: metadata
                )
            } else {
                logger.debug(
                    "offsets skipped that hold no message (transaction markers or aborted records): not lost",
                    metadata: metadata
                )
            }
        }
    }

    private static func log(
        _ binding: OffsetClusterBinding,
        group: String,
        topic: String,
        clusterID: String,
        logger: Logger
    ) {
        let metadata: Logger.Metadata = ["group": "\(group)", "topic": "\(topic)", "cluster": "\(clusterID)"]
        switch binding {
        case .new, .same:
            logger.debug("consumer offsets bound to the Kafka cluster", metadata: metadata)
        case .adopted(let partitions):
            logger.notice(
                "stored consumer offsets (from before clusters were recorded) adopted by the connected Kafka cluster",
                metadata: metadata.merging(["partitions": "\(partitions)"]) { $1 }
            )
        case .changed(let previous, let discarded):
            logger.error(
                """
                the Kafka cluster changed: the history's offsets belong to cluster \(previous), the broker is cluster \
                \(clusterID); its log is a new log, consumed from its start and counted as new (the old offsets of \
                \(discarded) partitions are discarded)
                """,
                metadata: metadata.merging(
                    ["previousCluster": "\(previous)", "discardedPartitions": "\(discarded)"]) { $1 }
            )
        }
    }

    /// Commits every stored batch's checkpoint that is not yet committed (retrying a failed one), before the
    /// `revoked` partitions (nil: all, at shutdown) are given up; logs an error naming what could not be committed.
    private func flushCommits(
        _ commits: OrderedCommits,
        then revoked: [KafkaTopicPartition]?,
        retries: Int
    ) async {
        let left = await commits.flush(retries: retries)
        if !left.isEmpty {
            logger.error(
                "offsets stored in history but not committed to the group: the replica that takes these partitions over will count their last batches again",
                metadata: [
                    "partitions": "\(left.keys.map(\.partition).sorted())",
                    "tries": "\(retries + 1)",
                ]
            )
        }
        if let revoked { commits.forget(revoked) }
    }

    /// What the group keeps of a stored batch: each partition's next offset, with its replay offset as metadata.
    private func checkpoint(_ effect: IngestEffect) -> [KafkaTopicPartition: KafkaCommittedOffset] {
        Dictionary(
            uniqueKeysWithValues: effect.offsets.map { offset in
                (
                    KafkaTopicPartition(topic: configuration.telemetryTopic, partition: offset.partition),
                    KafkaCommittedOffset(
                        offset: offset.nextOffset,
                        metadata: IngestCheckpoint(replayOffset: offset.replayOffset).metadata
                    )
                )
            }
        )
    }
}

/// The consumer the start-offset provider asks for the group's committed offsets (set once it exists).
final class CommittedOffsets: Sendable {
    private let box = Mutex<KafkaConsumer?>(nil)

    var consumer: KafkaConsumer? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }

    /// The committed offsets, or none when the coordinator does not answer (then the history's own are used).
    func fetch(_ partitions: [KafkaTopicPartition], timeout: Duration) async -> [KafkaTopicPartition:
        KafkaCommittedOffset]
    {
        guard let consumer else { return [:] }
        return (try? await consumer.committed(for: partitions, timeout: timeout)) ?? [:]
    }
}

/// Per partition, the first offset whose effect is not yet stored: messages below it are replayed.
/// Written by the consumer's start-offset provider (on its thread), read by the ingest loop.
final class LiveOffsets: Sendable {
    private let offsets = Mutex<[Int32: Int64]>([:])

    func set(_ partition: Int32, _ offset: Int64?) { offsets.withLock { $0[partition] = offset } }

    var all: [Int32: Int64] { offsets.withLock { $0 } }
}
