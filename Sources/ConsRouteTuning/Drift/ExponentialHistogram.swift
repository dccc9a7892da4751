/// The bucket store of ADWIN2 (Bifet & Gavaldà 2007, §3.2): an exponential histogram whose row `r` holds
/// up to `maxBucketsPerRow` buckets of `2^r` consecutive values, each summarised by its sum and its sum of
/// squared deviations from its own mean.
///
/// Storage is allocated once, at creation, for `rowCapacity` rows: appending, merging and removing never
/// allocate. Inside a row, slot 0 is the oldest bucket; the oldest bucket of the whole window is slot 0 of
/// the highest non-empty row.
struct ExponentialHistogram: Sendable {
    /// Rows kept at most; the window then holds at most `maxBucketsPerRow · 2^rowCapacity` values (~5·10^12
    /// for the defaults). When the top row would overflow, its oldest bucket is dropped instead.
    static let rowCapacity = 40

    let maxBucketsPerRow: Int
    /// Number of rows in use (rows `0..<rowCount`).
    private(set) var rowCount = 0
    private var bucketCounts: [Int]
    private var sums: [Double]
    private var squaredDeviations: [Double]

    /// Creates an empty histogram.
    init(maxBucketsPerRow: Int) {
        self.maxBucketsPerRow = maxBucketsPerRow
        bucketCounts = Array(repeating: 0, count: Self.rowCapacity)
        sums = Array(repeating: 0, count: Self.rowCapacity * (maxBucketsPerRow + 1))
        // A buffer of its own (not `sums`), so that the first update does not copy a shared one.
        squaredDeviations = Array(repeating: 0, count: Self.rowCapacity * (maxBucketsPerRow + 1))
    }

    /// The number of buckets in row `row`.
    @inline(__always)
    func bucketCount(row: Int) -> Int { bucketCounts[row] }

    /// The sum of the values in bucket `index` (0 = oldest) of row `row`.
    @inline(__always)
    func sum(row: Int, index: Int) -> Double { sums[row * (maxBucketsPerRow + 1) + index] }

    /// Appends one value as a new bucket of size 1 and merges full rows. Returns the oldest bucket when the
    /// top row overflowed and that bucket had to be dropped, so the caller can remove it from its totals.
    /// - Complexity: amortised O(1); O(log n) in the worst case.
    mutating func append(_ value: Double) -> (size: Double, sum: Double, squaredDeviation: Double)? {
        insert(row: 0, sum: value, squaredDeviation: 0)
        var row = 0
        var dropped: (size: Double, sum: Double, squaredDeviation: Double)?
        while bucketCounts[row] > maxBucketsPerRow {
            if row + 1 == Self.rowCapacity {
                dropped = removeOldest()
                break
            }
            let base = row * (maxBucketsPerRow + 1)
            let size = Double(1 << row)
            let mean0 = sums[base] / size
            let mean1 = sums[base + 1] / size
            let merged = sums[base] + sums[base + 1]
            let deviation =
                squaredDeviations[base] + squaredDeviations[base + 1]
                + size / 2 * (mean0 - mean1) * (mean0 - mean1)
            shiftDown(row: row, by: 2)
            insert(row: row + 1, sum: merged, squaredDeviation: deviation)
            row += 1
        }
        return dropped
    }

    /// Removes the oldest bucket of the window and returns its size, sum and squared deviation.
    /// - Precondition: the histogram is not empty.
    @discardableResult
    mutating func removeOldest() -> (size: Double, sum: Double, squaredDeviation: Double) {
        precondition(rowCount > 0, "removeOldest on an empty exponential histogram")
        let row = rowCount - 1
        let base = row * (maxBucketsPerRow + 1)
        let removed = (size: Double(1 << row), sum: sums[base], squaredDeviation: squaredDeviations[base])
        shiftDown(row: row, by: 1)
        while rowCount > 0 && bucketCounts[rowCount - 1] == 0 { rowCount -= 1 }
        return removed
    }

    /// Empties the histogram, keeping its storage.
    mutating func removeAll() {
        for row in 0..<rowCount { bucketCounts[row] = 0 }
        rowCount = 0
    }

    private mutating func insert(row: Int, sum: Double, squaredDeviation: Double) {
        let slot = row * (maxBucketsPerRow + 1) + bucketCounts[row]
        sums[slot] = sum
        squaredDeviations[slot] = squaredDeviation
        bucketCounts[row] += 1
        if row >= rowCount { rowCount = row + 1 }
    }

    private mutating func shiftDown(row: Int, by count: Int) {
        let base = row * (maxBucketsPerRow + 1)
        let remaining = bucketCounts[row] - count
        for index in 0..<remaining {
            sums[base + index] = sums[base + index + count]
            squaredDeviations[base + index] = squaredDeviations[base + index + count]
        }
        bucketCounts[row] = remaining
    }
}
