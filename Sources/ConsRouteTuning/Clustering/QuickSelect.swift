/// Hoare's selection: the element that would sit at a given index if the buffer were sorted.
enum QuickSelect {
    /// Partially reorders `values` and returns its `rank`-th smallest element (0-based).
    /// - Precondition: `0 <= rank < values.count`.
    /// - Complexity: expected O(n) with median-of-three pivots; the buffer is reordered.
    static func element(ofRank rank: Int, in values: UnsafeMutableBufferPointer<Float>) -> Float {
        precondition(rank >= 0 && rank < values.count, "rank \(rank) outside 0..<\(values.count)")
        var low = 0
        var high = values.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return values[rank]
            }
        }
        return values[low]
    }
}
