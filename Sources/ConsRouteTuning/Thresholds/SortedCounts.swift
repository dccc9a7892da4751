/// Binary searches on an ascending collection: how many of its elements lie below a value. The threshold grid, the GP
/// design's prediction quantiles and the per-step limit all place a threshold among sorted values this way.
extension RandomAccessCollection where Element: Comparable, Index == Int {
    /// The number of elements `< value` in this ascending collection (the first index at or above it).
    /// - Complexity: O(log n).
    public func countBelow(_ value: Element) -> Int {
        partitionPoint { $0 >= value }
    }

    /// The number of elements `<= value` in this ascending collection (the first index above it).
    /// - Complexity: O(log n).
    public func countAtOrBelow(_ value: Element) -> Int {
        partitionPoint { $0 > value }
    }

    /// The share of this ascending collection's elements `< value` (0 when it is empty).
    /// - Complexity: O(log n).
    public func share(below value: Element) -> Double {
        isEmpty ? 0 : Double(countBelow(value)) / Double(count)
    }

    /// How many elements precede the first that satisfies `isAfter`, for a predicate false then true along the
    /// collection.
    private func partitionPoint(_ isAfter: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low - startIndex
    }
}
