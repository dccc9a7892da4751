import ConsRouteController
import ConsRouteStore
import ConsRouteTestSupport
import KafkaTestSupport

/// Runs an ingest service until history's offsets reach the telemetry topic's end (`waitUntilConsumed`), calls
/// `beforeStopping`, then stops it and returns its counters.
func runIngestUntilConsumed(
    _ configuration: IngestConfiguration,
    store: HistoryStore,
    beforeStopping: () -> Void = {}
) async throws -> IngestService.Counters {
    let service = IngestService(configuration: configuration, store: store)
    let task = Task { try await service.run() }
    _ = try await waitUntilConsumed(configuration, store: store)
    beforeStopping()
    task.cancel()
    try await task.value
    return service.counters
}

/// Waits until `store`'s offsets reach the end of every non-empty partition of the telemetry topic, as the topic
/// is now; false when a minute of the process's time passed first.
func waitUntilConsumed(_ configuration: IngestConfiguration, store: HistoryStore) async throws -> Bool {
    let ends = try await endOffsets(topic: configuration.telemetryTopic, client: configuration.kafka)
    return try await poll(every: .milliseconds(50)) {
        let stored = try await store.storedOffsets(group: configuration.group, topic: configuration.telemetryTopic)
        return ends.filter { $0.value > 0 }.allSatisfy { stored[$0.key] == $0.value }
    }
}
