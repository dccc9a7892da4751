import Foundation

/// What every benchmark gets: where the data is, how often to repeat, and where to print.
///
/// Output is one JSON object per line in the shape of the peers' `results/peers.jsonl`
/// (`workload`, `peer`, `dataset`, `params`, `wall_s`, `walls_s`, `repeats`, `warmup`, ...), so
/// both can be read side by side (the benchmark workloads' summariser reads either; docs/benchmarks.md).
struct BenchContext: Sendable {
    let dataRoot: URL
    let repeats: Int
    let warmup: Int
    /// Use only the first `limit` rows of a dataset where a benchmark supports it (nil: all).
    var limit: Int? = nil

    func dataset(_ name: String) throws -> BenchDataset {
        try BenchDataset(root: dataRoot, name: name)
    }

    /// Prints one record as a JSON line, adding `loadavg_at_emit` as the peers do.
    func emit(_ record: [String: Any]) {
        var record = record
        record["loadavg_at_emit"] = Self.loadAverage()
        let data = try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Runs `body` `warmup` times untimed, then `repeats` times timed; returns the median wall
    /// time, every wall time, and the last result.
    func timed<T>(_ body: () throws -> T) rethrows -> (median: Double, walls: [Double], result: T) {
        for _ in 0..<warmup { _ = try body() }
        var walls: [Double] = []
        var last: T?
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            last = try body()
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (median(walls), walls, last!)
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}

/// The median of a non-empty list (mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Rounds for printing, as the peers do.
func rounded(_ value: Double, _ digits: Int = 6) -> Double {
    let scale = pow(10, Double(digits))
    return (value * scale).rounded() / scale
}
