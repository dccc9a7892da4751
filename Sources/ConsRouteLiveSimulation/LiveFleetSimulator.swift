public import ConsRouteClient
public import ConsRouteKafka
import ConsRouteModel
public import ConsRouteRouter
import ConsRouteSimulation
import Synchronization

/// A fleet of simulated devices against a running controller (`consroute simulate`, and the `demo`).
///
/// Every device has its own `DeviceRouter` and its own `TableSubscription` (server-sent events or long-poll),
/// exactly as a real device: tables are verified (pinned key, signature, the scenario's fingerprint, version)
/// and every apply or reject is produced as a `TableAck` to the acks topic, keyed by fleet. The scenario's
/// full-information events (`ScenarioGenerator`) are paced at `eventsPerSecond`; each is routed by its device's
/// router and produced as a `QueryEvent` to the telemetry topic, keyed by fleet (`LiveRouting` says what each
/// field holds). Phases follow the scenario's event counts, so a phase at event 200,000 starts with the
/// 200,001st event sent, whatever the pace.
///
/// Sending never blocks a thread: the producer waits for room asynchronously, and while it is back-pressured
/// the pacer waits for a batch to be delivered (at most `maximumBatchesInFlight` batches are pending) while
/// the subscriptions carry on. `progress()` may be called at any moment from any task.
public final class LiveFleetSimulator: Sendable {
    /// The run's settings.
    public let settings: LiveSimulationSettings
    /// The devices' routers, `device-0` ... `device-(n-1)` (ids as the scenario generator draws them).
    public let routers: [DeviceRouter]
    let client: TableClient
    let producer: KafkaProducer
    let counters: Mutex<LiveCounters>

    /// A simulator of `settings.scenario.devices` devices subscribing through `client` and producing with
    /// `producer` (which the caller owns and shuts down).
    ///
    /// - Parameters:
    ///   - settings: the scenario and the run's settings.
    ///   - client: the distribution API client every device subscribes with.
    ///   - producer: the producer for telemetry and acknowledgements.
    /// - Throws: `LiveSimulationError.invalidSetting` naming a setting out of range; `RouterError` if a router
    ///   cannot be made.
    public init(settings: LiveSimulationSettings, client: TableClient, producer: KafkaProducer) throws {
        try settings.validate()
        self.settings = settings
        self.client = client
        self.producer = producer
        let scenario = settings.scenario
        routers = try (0..<scenario.devices).map { index in
            try DeviceRouter(
                configuration: RouterConfiguration(
                    fleet: scenario.fleet,
                    deviceID: "device-\(index)",
                    fingerprint: scenario.fingerprint,
                    trustedKeys: settings.trustedKeys
                )
            )
        }
        counters = Mutex(LiveCounters(recentEvents: settings.recentEvents))
    }

    /// Runs the simulation: subscribes every device, and once every device's first table request was answered
    /// (a device boots with the current table, if the fleet has one), sends the scenario's events at the set
    /// pace; waits until every event was delivered or failed, then ends the subscriptions.
    ///
    /// A simulator runs once (its routers and counters carry the run's state); make a new one for another run.
    ///
    /// - Returns: the final progress snapshot.
    /// - Throws: `CancellationError` if cancelled; a `TableClientError` a subscription cannot retry (the API
    ///   refused it); `KafkaError.shutDown` if the producer was shut down during the run.
    public func run() async throws -> LiveProgress {
        let first = counters.withLock { counters in
            defer { counters.runCalled = true }
            return !counters.runCalled
        }
        precondition(first, "a LiveFleetSimulator runs once; make a new one for another run")
        let (readiness, ready) = AsyncThrowingStream<Void, any Error>.makeStream()
        // Child tasks answer whether they were the sender: a subscription ends only when cancelled or failing.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for router in routers {
                group.addTask {
                    do {
                        try await self.subscribe(router, ready: { ready.yield() })
                        return false
                    } catch {
                        // Also ends the wait for readiness, which would otherwise wait for this device forever.
                        ready.finish(throwing: error)
                        throw error
                    }
                }
            }
            var waiting = routers.count
            for try await _ in readiness {
                counters.withLock { $0.devicesReady += 1 }
                waiting -= 1
                if waiting == 0 { break }
            }
            try Task.checkCancellation()
            counters.withLock { $0.startedAt = .now }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { sends in try await self.sendEvents(sends: &sends) }
                return true
            }
            // A subscription that fails (the API refused it) ends the run at once, with its error.
            while let senderFinished = try await group.next(), !senderFinished {}
            group.cancelAll()
        }
        return progress()
    }

    /// Keeps one device's router up to date and produces its acknowledgements.
    private func subscribe(_ router: DeviceRouter, ready: @escaping @Sendable () -> Void) async throws {
        let subscription = TableSubscription(
            client: client,
            router: router,
            transport: settings.transport,
            longPollWait: settings.longPollWait
        )
        let topic = settings.acksTopic
        try await subscription.run(ready: ready) { acknowledgement in
            let record = KafkaProducerRecord(
                topic: topic,
                key: Array(acknowledgement.fleet.utf8),
                value: acknowledgement.protobufBytes()
            )
            do {
                _ = try await self.producer.send(record)
                self.counters.withLock { counters in
                    counters.acksSent += 1
                    if acknowledgement.applied { counters.acksApplied += 1 }
                }
            } catch let error as KafkaError {
                if case .shutDown = error { throw error }
                self.counters.withLock { $0.acksFailed += 1 }
            }
        }
    }

    /// A snapshot of the run so far.
    ///
    /// - Complexity: O(devices + recentEvents).
    public func progress() -> LiveProgress {
        var holdings: [UInt64: Int] = [:]
        for router in routers { holdings[router.policy?.version ?? 0, default: 0] += 1 }
        let weights = settings.scenario.objective
        return counters.withLock { counters in
            let recent = counters.recent.totals()
            return LiveProgress(
                devicesReady: counters.devicesReady,
                devices: routers.count,
                targetEvents: settings.scenario.events,
                eventsSent: counters.eventsSent,
                eventsDelivered: counters.eventsDelivered,
                eventsFailed: counters.eventsFailed,
                phase: counters.phase,
                holdings: holdings.sorted { $0.key < $1.key }.map {
                    LiveProgress.Holding(version: $0.key, devices: $0.value)
                },
                acksSent: counters.acksSent,
                acksApplied: counters.acksApplied,
                acksFailed: counters.acksFailed,
                elapsedSeconds: counters.startedAt.map { Self.seconds(ContinuousClock.now - $0) } ?? 0,
                run: counters.served.count > 0
                    ? PolicyFigures(counters.served, cloud: counters.allCloud, weights: weights) : nil,
                recent: recent.served.count > 0
                    ? PolicyFigures(recent.served, cloud: recent.cloud, weights: weights) : nil
            )
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
