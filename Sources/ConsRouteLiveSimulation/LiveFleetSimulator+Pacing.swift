import ConsRouteKafka
import ConsRouteModel
import ConsRouteRouter
import ConsRouteSimulation
import Foundation
import Synchronization

extension LiveFleetSimulator {
    /// Generates, routes and sends every event of the scenario at the set pace, then waits for the deliveries.
    ///
    /// Every `tick` the events due by then (`eventsPerSecond` × elapsed time) are routed and handed to the
    /// producer as one batch (at most `maximumBatchEvents`); with `maximumBatchesInFlight` batches pending, the
    /// pacer first waits for the oldest to be delivered.
    func sendEvents(sends: inout ThrowingTaskGroup<Void, any Error>) async throws {
        let scenario = settings.scenario
        let fleetKey = Array(scenario.fleet.utf8)
        let devices = Dictionary(uniqueKeysWithValues: routers.enumerated().map { ($1.configuration.deviceID, $0) })
        var generator = ScenarioGenerator(scenario: scenario)
        var routing = LiveRouting(scenario: scenario, shadowSeed: settings.shadowSeed)
        let start = ContinuousClock.now
        var inFlight = 0
        while generator.eventIndex < scenario.events {
            let elapsed = Self.seconds(ContinuousClock.now - start)
            let due = min(scenario.events, Int(elapsed * settings.eventsPerSecond) + 1)
            let count = min(due - generator.eventIndex, settings.maximumBatchEvents)
            if count <= 0 {
                try await Task.sleep(for: settings.tick)
                continue
            }
            let nowMs = WallClock.nowMs()
            var records: [KafkaProducerRecord] = []
            records.reserveCapacity(count)
            var outcomes: [RecentOutcomeRing.Outcome] = []
            outcomes.reserveCapacity(count)
            for _ in 0..<count {
                guard let event = generator.next() else { break }
                // The generator draws device ids among `scenario.devices`, which are the routers' ids.
                let router = routers[devices[event.deviceID]!]
                let (observed, outcome) = routing.route(event, router: router, nowMs: nowMs)
                records.append(
                    KafkaProducerRecord(topic: settings.telemetryTopic, key: fleetKey, value: observed.protobufBytes())
                )
                outcomes.append(outcome)
            }
            let phase = Self.phase(of: scenario, at: generator.eventIndex - 1)
            counters.withLock { counters in
                counters.eventsSent += records.count
                counters.phase = phase
                counters.served = routing.served.total
                counters.allCloud = routing.allCloud.total
                for outcome in outcomes { counters.recent.append(outcome) }
            }
            if inFlight >= settings.maximumBatchesInFlight {
                try await sends.next()
                inFlight -= 1
            }
            let batch = records
            sends.addTask { try await self.deliver(batch) }
            inFlight += 1
        }
        try await sends.waitForAll()
    }

    /// Sends one batch and counts what was delivered and what failed.
    private func deliver(_ records: [KafkaProducerRecord]) async throws {
        let report = try await producer.send(contentsOf: records)
        counters.withLock { counters in
            counters.eventsDelivered += report.deliveredCount
            counters.eventsFailed += report.failures.count
        }
    }

    /// The phase in effect at event `index`: the last one started, as `kind@at`, or `initial`.
    static func phase(of scenario: Scenario, at index: Int) -> String {
        guard let current = scenario.phases.last(where: { $0.at <= index }) else { return "initial" }
        return "\(current.kind)@\(current.at)"
    }
}
