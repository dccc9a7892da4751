/// A reusable block of up to `capacity` points copied out of the data and shifted by an offset
/// (the data mean), so distance arithmetic runs on centred, cache-resident rows.
///
/// Rows past `rows` up to the next multiple of `NearestCentroidSearch.rowsPerBlock` are zero, so the
/// search kernel can always process whole blocks.
struct CentredChunk {
    /// Rows per chunk: large enough to amortise the per-chunk work, small enough to stay in L1/L2.
    static let capacity = 256

    let dimension: Int
    private(set) var storage: [Float]
    private(set) var rows = 0
    private let offset: [Float]

    /// Creates an empty chunk for points of `dimension` coordinates centred on `offset`.
    init(dimension: Int, offset: [Float]) {
        self.dimension = dimension
        self.offset = offset
        storage = [Float](repeating: 0, count: Self.capacity * dimension)
    }

    /// Copies the contiguous points `start..<start+count` (count <= capacity), centred.
    mutating func fill(from points: PointMatrix, start: Int, count: Int) {
        prepare(count: count)
        storage.withUnsafeMutableBufferPointer { out in
            offset.withUnsafeBufferPointer { offset in
                for r in 0..<count {
                    Self.copyCentred(
                        points.row(start &+ r),
                        to: out.baseAddress! + r &* dimension,
                        offset: offset.baseAddress!,
                        dimension: dimension
                    )
                }
            }
        }
    }

    /// Copies the points at `indices` (at most `capacity` of them), centred.
    mutating func fill(from points: PointMatrix, indices: UnsafeBufferPointer<Int>) {
        prepare(count: indices.count)
        storage.withUnsafeMutableBufferPointer { out in
            offset.withUnsafeBufferPointer { offset in
                for r in 0..<indices.count {
                    Self.copyCentred(
                        points.row(indices[r]),
                        to: out.baseAddress! + r &* dimension,
                        offset: offset.baseAddress!,
                        dimension: dimension
                    )
                }
            }
        }
    }

    /// Sets the row count and zeroes the padding rows up to the next whole block.
    private mutating func prepare(count: Int) {
        precondition(count <= Self.capacity, "a chunk holds at most \(Self.capacity) rows")
        let block = NearestCentroidSearch.rowsPerBlock
        let padded = (count + block - 1) / block * block
        if padded > count {
            storage.withUnsafeMutableBufferPointer { out in
                (out.baseAddress! + count &* dimension).update(repeating: 0, count: (padded - count) &* dimension)
            }
        }
        rows = count
    }

    /// y = x − offset over `dimension` floats, 16 lanes at a time.
    @inline(__always)
    private static func copyCentred(
        _ x: UnsafePointer<Float>,
        to y: UnsafeMutablePointer<Float>,
        offset: UnsafePointer<Float>,
        dimension: Int
    ) {
        var j = 0
        while j &+ 16 <= dimension {
            let value =
                UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(offset + j).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(y + j).storeBytes(of: value, as: SIMD16<Float>.self)
            j &+= 16
        }
        while j < dimension {
            y[j] = x[j] - offset[j]
            j &+= 1
        }
    }

    /// Adds each row into `sums[label]` (row-major k×d, `Double`) and counts it in `counts[label]`.
    /// - Complexity: O(rows·d).
    func accumulate(labels: UnsafePointer<Int32>, sums: inout [Double], counts: inout [Int]) {
        let d = dimension
        storage.withUnsafeBufferPointer { rowsBuffer in
            sums.withUnsafeMutableBufferPointer { sums in
                for r in 0..<rows {
                    let label = Int(labels[r])
                    counts[label] += 1
                    let x = rowsBuffer.baseAddress! + r &* d
                    let s = sums.baseAddress! + label &* d
                    for j in 0..<d { s[j] += Double(x[j]) }
                }
            }
        }
    }

    /// ||row||² of row `r` (centred coordinates).
    func squaredNorm(ofRow r: Int) -> Float {
        storage.withUnsafeBufferPointer { rows in
            let x = rows.baseAddress! + r &* dimension
            return SIMDReductions.squaredNorm(x, dimension)
        }
    }
}
