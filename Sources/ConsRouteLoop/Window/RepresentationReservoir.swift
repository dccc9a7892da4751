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
            for value in representation { storage.append(Float16(value)) }
        } else {
            storage.withUnsafeMutableBufferPointer { buffer in
                let base = next * dimension
                for j in 0..<dimension { buffer[base + j] = Float16(representation[j]) }
            }
        }
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
        totalObserved += 1
    }

    /// The held representations as a flat row-major Float array (count × d), oldest first.
    ///
    /// - Complexity: O(count · d); allocates the result.
    public func snapshot() -> [Float] {
        var result = [Float](repeating: 0, count: count * dimension)
        let start = count < capacity ? 0 : next
        storage.withUnsafeBufferPointer { buffer in
            result.withUnsafeMutableBufferPointer { output in
                for row in 0..<count {
                    let source = ((start + row) % capacity) * dimension
                    for j in 0..<dimension { output[row * dimension + j] = Float(buffer[source + j]) }
                }
            }
        }
        return result
    }

    /// The newest `limit` representations (fewer when fewer are held) as a flat row-major Float array, oldest
    /// first: the fleet's current traffic.
    ///
    /// - Complexity: O(min(limit, count) · d).
    public func recent(_ limit: Int) -> [Float] {
        let rows = min(max(0, limit), count)
        var result = [Float](repeating: 0, count: rows * dimension)
        let start = (next - rows + capacity) % capacity
        storage.withUnsafeBufferPointer { buffer in
            result.withUnsafeMutableBufferPointer { output in
                for row in 0..<rows {
                    let source = ((start + row) % capacity) * dimension
                    for j in 0..<dimension { output[row * dimension + j] = Float(buffer[source + j]) }
                }
            }
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
        storage.withUnsafeBufferPointer { buffer in
            row.withUnsafeMutableBufferPointer { output in
                for index in 0..<count {
                    let source = ((start + index) % capacity) * dimension
                    for j in 0..<dimension { output[j] = Float(buffer[source + j]) }
                    body(UnsafeBufferPointer(output))
                }
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
