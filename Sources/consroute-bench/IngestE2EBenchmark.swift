import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
import Foundation
import Synchronization

/// `ingest-e2e`: a 1,000,000-event backlog (d = 64, protobuf) on a real broker consumed by `IngestService` to a
/// checkpoint (history's stored offsets at the end of every partition), and the same backlog read raw by
/// `kcat` in the same run. The broker comes from `CONSROUTE_BENCH_BROKER` (`scripts/bench.sh ingest-e2e`
/// starts Tansu and sets it).
enum IngestE2EBenchmark {
    static func run(_ context: BenchContext) async throws {
        guard let broker = ProcessInfo.processInfo.environment["CONSROUTE_BENCH_BROKER"], !broker.isEmpty else {
            throw BenchError(
                "ingest-e2e needs a broker: set CONSROUTE_BENCH_BROKER (scripts/bench.sh ingest-e2e starts Tansu)"
            )
        }
        let n = context.limit ?? 1_000_000
        let partitions = 4
        let client = KafkaConfiguration(bootstrapServers: broker, clientID: "consroute-bench")
        let topic = "bench-telemetry-\(UUID().uuidString.prefix(8))"
        let admin = try KafkaAdminClient(configuration: client)
        try await admin.createTopic(KafkaTopicSpecification(name: topic, partitions: partitions))
        try await admin.createTopic(KafkaTopicSpecification(name: topic + "-dlq", partitions: 1))

        var generator = SeededGenerator(seed: 65)
        let fleets = (0..<partitions).map { "fleet-\($0)" }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        let produceStart = DispatchTime.now().uptimeNanoseconds
        var bytes = 0
        // Event times just behind the broker's timestamps: ingest rejects times more than a day away (bad_time).
        let startMs = WallClock.nowMs() - Int64(n)
        for chunkStart in stride(from: 0, to: n, by: 10_000) {
            let records = (chunkStart..<min(n, chunkStart + 10_000)).map { index -> KafkaProducerRecord in
                let fleet = fleets[index % partitions]
                let value = IngestBenchmark.event(
                    fleet: fleet,
                    d: 64,
                    time: startMs + Int64(index),
                    generator: &generator
                )
                .protobufBytes()
                bytes += value.count
                return KafkaProducerRecord(
                    topic: topic,
                    partition: Int32(index % partitions),
                    key: Array(fleet.utf8),
                    value: value
                )
            }
            _ = try await producer.send(contentsOf: records)
        }
        try await producer.flush()
        await producer.shutdown()
        let produceSeconds = Double(DispatchTime.now().uptimeNanoseconds - produceStart) / 1e9

        let kcatSeconds = try kcat(broker: broker, topic: topic, expected: n)
        // The product default, or CONSROUTE_BENCH_BATCH to compare batch sizes.
        let batchSize =
            Int(ProcessInfo.processInfo.environment["CONSROUTE_BENCH_BATCH"] ?? "")
            ?? IngestConfiguration(kafka: client, fleets: [:]).batchSize
        let ours = try await consume(client: client, topic: topic, fleets: fleets, n: n, batchSize: batchSize)
        context.emit([
            "workload": "ingest-e2e", "peer": "consroute.IngestService", "n": n, "d": 64,
            "params": ["partitions": partitions, "batch": batchSize, "broker": "tansu (memory engine), loopback"],
            "wall_s": rounded(ours.total), "events_per_s": rounded(Double(n) / ours.total, 0),
            "from_first_batch_s": rounded(ours.fromFirstBatch),
            "events_per_s_from_first_batch": rounded(Double(n) / ours.fromFirstBatch, 0),
            "group_join_s": rounded(ours.total - ours.fromFirstBatch),
            "backlog_mb": rounded(Double(bytes) / 1e6, 1), "produce_s": rounded(produceSeconds, 2),
        ])
        context.emit([
            "workload": "ingest-e2e", "peer": "kcat -C -e (raw read, no processing)", "n": n,
            "params": ["partitions": partitions], "wall_s": rounded(kcatSeconds),
            "events_per_s": rounded(Double(n) / kcatSeconds, 0),
            "ratio_ours_to_kcat_total": rounded(kcatSeconds / ours.total, 3),
            "ratio_ours_to_kcat_from_first_batch": rounded(kcatSeconds / ours.fromFirstBatch, 3),
        ])
    }

    /// Consumes the backlog with a fresh history database until every partition's stored offset is at its end.
    private static func consume(client: KafkaConfiguration, topic: String, fleets: [String], n: Int, batchSize: Int)
        async throws
        -> (total: Double, fromFirstBatch: Double)
    {
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: history.path + suffix) }
        }
        let store = try HistoryStore(path: history.path)
        let firstBatch = FirstEventClock()
        let service = IngestService(
            configuration: IngestConfiguration(
                kafka: client,
                group: "bench-\(UUID().uuidString.prefix(8))",
                telemetryTopic: topic,
                deadLetterTopic: topic + "-dlq",
                fleets: Dictionary(uniqueKeysWithValues: fleets.map { ($0, 64) }),
                batchSize: batchSize,
                sessionTimeout: .seconds(6)
            ),
            store: store,
            onEvents: { _, _ in firstBatch.mark() }
        )
        let start = DispatchTime.now().uptimeNanoseconds
        let task = Task { try await service.run() }
        while service.counters.accepted < n {
            try await Task.sleep(for: .milliseconds(5))
        }
        let end = DispatchTime.now().uptimeNanoseconds
        task.cancel()
        _ = try? await task.value
        let first = firstBatch.time ?? start
        return (Double(end - start) / 1e9, Double(end - first) / 1e9)
    }

    /// `kcat -C -e` over every partition, output discarded; the same librdkafka as ours.
    private static func kcat(broker: String, topic: String, expected: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kcat", "-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o\n"]
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        var lines = 0
        while true {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            lines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard process.terminationStatus == 0, lines == expected else {
            throw BenchError("kcat read \(lines) of \(expected) messages (exit \(process.terminationStatus))")
        }
        return seconds
    }
}

/// The moment the first events arrived.
final class FirstEventClock: Sendable {
    private let value = Mutex<UInt64?>(nil)
    func mark() { value.withLock { $0 = $0 ?? DispatchTime.now().uptimeNanoseconds } }
    var time: UInt64? { value.withLock { $0 } }
}
