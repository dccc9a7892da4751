package import ConsRouteModel

/// The most recent `capacity` distinct event ids, answering "seen before?" in O(1).
///
/// An open-addressing hash set (linear probing, backward-shift deletion, so no tombstones) plus a FIFO ring
/// of insertion order: inserting into a full window evicts the oldest id. Duplicates within the window
/// count once (docs/design.md §4); the window is per partition, so a partition's window moves with it on rebalance.
///
/// The table grows with the ids it holds (doubling at half load) up to twice the capacity, so a window costs
/// memory for what it has seen rather than for what it could hold: a fresh million-id window used to zero
/// 48 MB before its first insert, and each of a consumer's partitions has one.
package struct DedupeWindow: Sendable {
    /// How many distinct ids the window remembers.
    package let capacity: Int
    private var slots: [EventID?]
    /// Insertion order with each id's tag (its Kafka offset), oldest at `ringStart` once full.
    private var ring: [(id: EventID, tag: Int64)] = []
    private var ringStart = 0
    private var mask: Int
    /// The table size at which the window stops growing: the first power of two ≥ 2 · capacity.
    private let largestSize: Int

    /// The number of ids held.
    package private(set) var count = 0

    /// - Parameter capacity: ids remembered (at least 1). Memory grows to about 72 bytes per id held.
    package init(capacity: Int) {
        precondition(capacity >= 1, "a dedupe window needs a capacity of at least 1")
        self.capacity = capacity
        var largest = 16
        while largest < capacity * 2 { largest <<= 1 }
        largestSize = largest
        let size = min(largest, 1 << 12)
        slots = [EventID?](repeating: nil, count: size)
        mask = size - 1
    }

    /// Records `id`; returns false if it was already in the window (a duplicate).
    ///
    /// - Complexity: O(1) expected.
    @inline(__always)
    package mutating func insert(_ id: EventID, tag: Int64 = 0) -> Bool {
        var index = Self.hash(id) & mask
        while let existing = slots[index] {
            if existing == id { return false }
            index = (index + 1) & mask
        }
        if count == capacity {
            evictOldest()
        } else if (count + 1) * 2 > slots.count, slots.count < largestSize {
            grow()
        }
        // Eviction may have shifted entries, growing moved them all; find the free slot again.
        index = Self.hash(id) & mask
        while slots[index] != nil { index = (index + 1) & mask }
        slots[index] = id
        if ring.count < capacity {
            ring.append((id, tag))
        } else {
            ring[ringStart] = (id, tag)
            ringStart = (ringStart + 1) % capacity
        }
        count += 1
        return true
    }

    /// Whether `id` is in the window.
    package func contains(_ id: EventID) -> Bool {
        var index = Self.hash(id) & mask
        while let existing = slots[index] {
            if existing == id { return true }
            index = (index + 1) & mask
        }
        return false
    }

    /// The tag of the oldest id held (the offset to re-read from to rebuild this window), nil when empty.
    package var oldestTag: Int64? {
        guard !ring.isEmpty else { return nil }
        return ring.count < capacity ? ring[0].tag : ring[ringStart].tag
    }

    /// Doubles the table and re-inserts every id.
    private mutating func grow() {
        let old = slots
        slots = [EventID?](repeating: nil, count: old.count * 2)
        mask = slots.count - 1
        for case let id? in old {
            var index = Self.hash(id) & mask
            while slots[index] != nil { index = (index + 1) & mask }
            slots[index] = id
        }
    }

    private mutating func evictOldest() {
        let oldest = ring[ringStart].id
        var index = Self.hash(oldest) & mask
        while slots[index] != oldest { index = (index + 1) & mask }
        // Backward-shift deletion keeps every probe sequence unbroken.
        var hole = index
        var next = (hole + 1) & mask
        while let candidate = slots[next] {
            let home = Self.hash(candidate) & mask
            // Move `candidate` into the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = candidate
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = nil
        count -= 1
    }

    @inline(__always)
    private static func hash(_ id: EventID) -> Int {
        // Event ids are random; mix anyway so that structured ids (counters) spread too.
        var x = id.high ^ (id.low &* 0x9E37_79B9_7F4A_7C15)
        x ^= x >> 29
        x &*= 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        return Int(truncatingIfNeeded: x)
    }
}
