import ConsRouteModel
package import ConsRouteStore
import Foundation
package import Logging
import Prometheus
import ServiceLifecycle

/// The controller's clocks: every `tick` each fleet, on a clock of its own, runs a due tuning (drift after its debounce, the
/// schedule, an operator's request), refreshes the metrics from the fleets' snapshots and the ingest counters,
/// produces tables the tables topic has not taken yet, and prunes history past its retention once an hour.
package struct ControllerLoopService: Service {
    private let fleets: [FleetController]
    private let publisher: TablePublisher
    private let metrics: ControllerMetrics
    private let tally: AcknowledgementTally
    private let ingest: IngestService
    private let historyIngest: IngestService?
    private let store: HistoryStore
    private let tick: Duration
    private let retentionMs: Int64
    private let logger: Logger

    /// - Parameters:
    ///   - fleets: the fleets' controllers.
    ///   - tick: the period.
    ///   - retentionMs: history older than this is pruned (tables are kept).
    package init(
        fleets: [FleetController],
        publisher: TablePublisher,
        metrics: ControllerMetrics,
        tally: AcknowledgementTally,
        ingest: IngestService,
        historyIngest: IngestService? = nil,
        store: HistoryStore,
        tick: Duration,
        retentionMs: Int64,
        logger: Logger
    ) {
        self.fleets = fleets
        self.publisher = publisher
        self.metrics = metrics
        self.tally = tally
        self.ingest = ingest
        self.historyIngest = historyIngest
        self.store = store
        self.tick = tick
        self.retentionMs = retentionMs
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            // One clock per fleet, so a fleet's long re-clustering delays neither the other fleets nor the
            // controller-wide housekeeping.
            await withTaskGroup(of: Void.self) { group in
                for fleet in fleets {
                    group.addTask {
                        while !Task.isCancelled {
                            do {
                                try await fleet.tick()
                            } catch {
                                logger.error(
                                    "tuning or publication failed",
                                    metadata: ["fleet": "\(fleet.fleet)", "error": "\(error)"]
                                )
                            }
                            refreshMetrics(fleet)
                            try? await Task.sleep(for: tick)
                        }
                    }
                }
                group.addTask { await housekeeping() }
            }
        }
    }

    /// Ingest metrics, tables the tables topic has not taken yet, and hourly pruning.
    private func housekeeping() async {
        var lastPrune = ContinuousClock.now - .seconds(3_600)
        while !Task.isCancelled {
            metrics.recordIngest(ingest.counters)
            // With replicas, the history's consumer (every partition) counts too: everything is consumed when
            // both are at the ends.
            if let lag = ingest.lag {
                let history = historyIngest.map { $0.lag ?? 0 } ?? 0
                metrics.consumerLag(topic: ingest.configuration.telemetryTopic, messages: lag + history)
            }
            if await publisher.hasUnproduced { await publisher.produceUnproduced() }
            if ContinuousClock.now - lastPrune >= .seconds(3_600) {
                lastPrune = .now
                await prune()
            }
            try? await Task.sleep(for: tick)
        }
    }

    private func refreshMetrics(_ fleet: FleetController) {
        let snapshot = fleet.loop.snapshot
        metrics.record(snapshot, fleet: fleet.fleet)
        metrics.recordCanary(fleet.runningCanary, fleet: fleet.fleet)
        metrics.fleetOwned(fleet: fleet.fleet).set(fleet.isOwned ? 1.0 : 0.0)
        let convergence = tally.convergence(fleet: fleet.fleet, activeVersion: snapshot.tableVersion)
        metrics.acknowledgedShare(fleet: fleet.fleet).set(convergence.share)
    }

    private func prune() async {
        let cutoff = WallClock.nowMs() - retentionMs
        do {
            let summary = try await store.prune(olderThan: cutoff)
            logger.debug("history pruned", metadata: ["summary": "\(summary)"])
        } catch {
            logger.error("history pruning failed", metadata: ["error": "\(error)"])
        }
    }
}
