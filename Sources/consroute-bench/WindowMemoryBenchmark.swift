import ConsRouteController
import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
import Foundation

/// `window-memory`: the resident memory of one fleet's window state holding 1,000,000 events at d = 64.
///
/// A `FleetPipeline` with `reservoirCapacity = 1_000_000` and the default shadow capacity is fed 1,000,000 synthetic
/// events (10% with shadow samples, the ingest benchmark's generator) through `observe`, in batches of 2,000 as the
/// consumer hands them over, so no more than one batch of events exists at a time. Reports the process's peak
/// resident set (`VmHWM` in `/proc/self/status`) and the growth over the resident set before the pipeline existed,
/// per event. Target: <= 300 MB peak.
enum WindowMemoryBenchmark {
    static let dimension = 64
    static let windowEvents = 1_000_000
    static let batch = 2_000
    static let targetMB = 300.0

    static func run(_ context: BenchContext) throws {
        let events = context.limit ?? windowEvents
        var settings = FleetPipelineSettings(
            metadata: FleetTableMetadata(
                fleet: "window",
                fingerprint: Fingerprint(
                    representationModel: "bench",
                    representationDim: dimension,
                    reranker: "bench",
                    promptTemplate: "bench"
                ),
                lifetimeMs: 86_400_000,
                reprefillMsPer1kTokens: [40, 15, 5],
                controllerVersion: "bench"
            ),
            objective: .standard
        )
        settings.reservoirCapacity = events
        var generator = SeededGenerator(seed: 64)
        let before = try MemoryStatus.read()
        let start = DispatchTime.now().uptimeNanoseconds
        var pipeline = FleetPipeline(settings: settings, current: nil, lastVersion: 0)
        var fed = 0
        while fed < events {
            let count = min(batch, events - fed)
            let slice = (0..<count).map { offset in
                IngestBenchmark.event(
                    fleet: "window",
                    d: dimension,
                    time: Int64(1_800_000_000_000 + fed + offset),
                    generator: &generator
                )
            }
            _ = pipeline.observe(slice)
            fed += count
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let after = try MemoryStatus.read()
        guard pipeline.reservoir.count == events else {
            throw BenchError("window-memory: the reservoir holds \(pipeline.reservoir.count) of \(events) events")
        }
        let growth = after.peakResidentBytes - before.residentBytes
        context.emit([
            "workload": "window-memory", "peer": "consroute.FleetPipeline", "dataset": "synthetic", "n": events,
            "d": dimension,
            "params": [
                "reservoir_capacity": settings.reservoirCapacity, "shadow_capacity": settings.shadowCapacity,
                "shadow_share": 0.1, "batch": batch, "representation_storage": "Float16",
            ] as [String: Any],
            "reservoir_count": pipeline.reservoir.count, "shadow_count": pipeline.shadow.count,
            "rss_before_mb": rounded(Double(before.residentBytes) / 1e6, 1),
            "peak_rss_mb": rounded(Double(after.peakResidentBytes) / 1e6, 1),
            "rss_after_mb": rounded(Double(after.residentBytes) / 1e6, 1),
            "window_growth_mb": rounded(Double(growth) / 1e6, 1),
            "bytes_per_event": rounded(Double(growth) / Double(events), 1),
            "target_peak_rss_mb": targetMB, "wall_s": rounded(wall, 3),
        ])
    }
}

/// The resident-set figures of this process from `/proc/self/status`.
struct MemoryStatus {
    /// `VmRSS`: resident now.
    let residentBytes: Int
    /// `VmHWM`: the peak resident set so far.
    let peakResidentBytes: Int

    /// Reads `/proc/self/status`.
    ///
    /// - Throws: `BenchError` if the file or one of the two fields is missing (not Linux).
    static func read() throws -> MemoryStatus {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        func kilobytes(_ field: String) throws -> Int {
            let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            guard let value = line?.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first,
                let kilobytes = Int(value)
            else { throw BenchError("window-memory: no \(field) in /proc/self/status") }
            return kilobytes * 1024
        }
        return MemoryStatus(residentBytes: try kilobytes("VmRSS"), peakResidentBytes: try kilobytes("VmHWM"))
    }
}
