import Foundation

/// The most recent `capacity` representations of a fleet, stored as Float16 in one flat ring buffer.
///
/// This is what re-clustering runs on. Half precision halves the memory (a 1,000,000-event window at
/// d = 64 is 128 MB) and is far finer than the spread of real representations; values are converted back to
/// Float when read. Not thread-safe: owned by one fleet pipeline.
public struct RepresentationReservoir: Sendable {
    /// Representation length d.
    public let dimension: Int
    /// How many representations are kept.
    public let capacity: Int
    private var storage: [Float16]
    private var next = 0

    /// The number of representations held (at most `capacity`).
    public private(set) var count = 0
    /// Representations seen in total (including those that have left the window).
    public private(set) var totalObserved: Int64 = 0

    /// - Parameters:
    ///   - dimension: d, at least 1.
    ///   - capacity: representations kept, at least 1. Memory: up to `2 · d · capacity` bytes, growing as it fills.
    public init(dimension: Int, capacity: Int) {
        precondition(dimension >= 1 && capacity >= 1, "a reservoir needs a dimension and a capacity of at least 1")
        self.dimension = dimension
        self.capacity = capacity
        storage = []
    }

    /// The bytes a full reservoir of `capacity` representations of length `dimension` takes (Float16), saturating.
    public static func memoryBytes(dimension: Int, capacity: Int) -> Int {
        let (bytes, overflow) = dimension.multipliedReportingOverflow(by: capacity)
        return overflow || bytes > Int.max / 2 ? .max : bytes * 2
    }

    /// The memory a reservoir may take: a quarter of physical memory (re-clustering copies it once more as Float,
    /// and the process needs the rest).
    public static var memoryBudgetBytes: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory / 4)
    }

    /// The most representations of length `dimension` that fit in `budget` bytes (at least 1).
    public static func capacity(fitting budget: Int, dimension: Int) -> Int {
        max(1, budget / max(1, memoryBytes(dimension: dimension, capacity: 1)))
    }

    /// Appends one representation, evicting the oldest when full.
    ///
    /// - Complexity: O(d).
    public mutating func append(_ representation: [Float]) {
        precondition(representation.count == dimension, "representation of the wrong dimension")
        if count < capacity {
            // Grows as it fills: memory follows the representations held, not the capacity (a short replay at
            // d = 65,536 must not touch gigabytes it never uses).
            if storage.capacity < storage.count + dimension {
                storage.reserveCapacity(min(dimension * capacity, max(storage.count * 2, dimension * 1_024)))
            }
            storage.append(contentsOf: repeatElement(0, count: dimension))
        }
        HalfPrecision.store(representation, into: &storage, at: next * dimension)
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
        totalObserved += 1
    }

    /// The held representations as a flat row-major Float array (count × d), oldest first.
    ///
    /// - Complexity: O(count · d); allocates the result.
    public func snapshot() -> [Float] {
        rows(from: count < capacity ? 0 : next, count: count)
    }

    /// The newest `limit` representations (fewer when fewer are held) as a flat row-major Float array, oldest
    /// first: the fleet's current traffic.
    ///
    /// - Complexity: O(min(limit, count) · d).
    public func recent(_ limit: Int) -> [Float] {
        let rows = min(max(0, limit), count)
        return self.rows(from: (next - rows + capacity) % capacity, count: rows)
    }

    /// `rows` consecutive representations of the ring from slot `start` (wrapping at `capacity`) as Float: at
    /// most two contiguous runs of the storage, each converted in one call.
    private func rows(from start: Int, count rows: Int) -> [Float] {
        var result = [Float](repeating: 0, count: rows * dimension)
        let first = min(rows, capacity - start)
        result.withUnsafeMutableBufferPointer { output in
            HalfPrecision.load(
                storage,
                at: start * dimension,
                into: UnsafeMutableBufferPointer(rebasing: output[0..<first * dimension])
            )
            HalfPrecision.load(
                storage,
                at: 0,
                into: UnsafeMutableBufferPointer(rebasing: output[first * dimension..<rows * dimension])
            )
        }
        return result
    }

    /// Calls `body` with each held representation (oldest first) in one reused Float buffer, without
    /// materialising the whole window.
    ///
    /// - Complexity: O(count · d); allocates one row.
    public func forEachRow(_ body: (UnsafeBufferPointer<Float>) -> Void) {
        let start = count < capacity ? 0 : next
        var row = [Float](repeating: 0, count: dimension)
        row.withUnsafeMutableBufferPointer { output in
            for index in 0..<count {
                HalfPrecision.load(storage, at: ((start + index) % capacity) * dimension, into: output)
                body(UnsafeBufferPointer(output))
            }
        }
    }

    /// Forgets everything (the fleet's partition moved to another replica).
    public mutating func removeAll() {
        storage = []
        next = 0
        count = 0
    }
}
