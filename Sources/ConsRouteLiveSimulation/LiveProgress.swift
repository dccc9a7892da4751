import ConsRouteModel
public import ConsRouteSimulation
public import Foundation

/// A snapshot of a live simulation: how far it is, which tables the devices hold, and what the fleet's routing
/// achieved against sending everything to the cloud, over the whole run and over the recent events.
///
/// Encoded with snake_case keys by `LiveProgress.encoder`.
public struct LiveProgress: Sendable, Codable, Equatable {
    /// How many devices hold a table version (0: none yet).
    public struct Holding: Sendable, Codable, Equatable {
        /// The version.
        public var version: UInt64
        /// Devices holding it.
        public var devices: Int
    }

    /// Devices whose first table request was answered; events start when all are.
    public var devicesReady: Int
    /// Devices in the fleet.
    public var devices: Int
    /// Events the run will send.
    public var targetEvents: Int
    /// Events generated, routed and handed to the producer.
    public var eventsSent: Int
    /// Events the broker acknowledged.
    public var eventsDelivered: Int
    /// Events the producer could not deliver.
    public var eventsFailed: Int
    /// The scenario phase in effect at the last event sent: `kind@at`, or `initial` before the first phase.
    public var phase: String
    /// Devices per table version held, by version.
    public var holdings: [Holding]
    /// Acknowledgements delivered to the acks topic.
    public var acksSent: Int
    /// Of those, tables applied.
    public var acksApplied: Int
    /// Acknowledgements the producer could not deliver.
    public var acksFailed: Int
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// The whole run's routing against all-cloud (nil before the first event).
    public var run: PolicyFigures?
    /// The last `recentEvents` events' routing against all-cloud (nil before the first event).
    public var recent: PolicyFigures?

    /// The achieved pace in events per second.
    public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(eventsSent) / elapsedSeconds : 0 }

    /// A JSON encoder with snake_case keys and sorted output.
    public static var encoder: JSONEncoder {
        // The replay report's keys and non-finite figures (an undefined ratio is NaN in `PolicyFigures`), one line.
        let encoder = ReplayReport.encoder
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// One line for a terminal: events, phase, holdings, acks, and the ratios of the run and the recent events.
    public var summaryLine: String {
        func ratios(_ figures: PolicyFigures?) -> String {
            guard let figures else { return "-" }
            func ratio(_ value: Double) -> String { PolicyFigures.text(ratio: value, digits: 3) }
            return
                "q \(ratio(figures.qualityRatio)) lat \(ratio(figures.latencyRatio)) cost \(ratio(figures.costRatio)) "
                + String(
                    format: "(d/e/c %.0f/%.0f/%.0f%%)",
                    100 * figures.shares.device,
                    100 * figures.shares.edge,
                    100 * figures.shares.cloud
                )
        }
        let held = holdings.map { "v\($0.version):\($0.devices)" }.joined(separator: " ")
        guard devicesReady == devices else {
            return "waiting for the devices' first table request: \(devicesReady)/\(devices) answered"
        }
        return "\(eventsSent)/\(targetEvents) events (\(eventsDelivered) delivered"
            + (eventsFailed > 0 ? ", \(eventsFailed) failed" : "") + String(format: ", %.0f/s)", eventsPerSecond)
            + " phase \(phase) | tables \(held) | acks \(acksSent) (\(acksApplied) applied)"
            + " | run \(ratios(run)) | recent \(ratios(recent))"
    }
}
