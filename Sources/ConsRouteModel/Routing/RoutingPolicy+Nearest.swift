extension RoutingPolicy {
    /// Index of the nearest centroid and the squared distance to it.
    ///
    /// Scores `||μ||² − 2x·μ` in float32 with SIMD over 16 clusters at a time. When another cluster's
    /// score is within the float32 rounding-error bound of the best one, the candidates are re-scored
    /// exactly in float64 (`Σ (x − μ)²`), so the answer equals an exact float64 argmin (ties to the lowest
    /// index) while the common case costs k·d/16 fused multiply-adds.
    /// - Complexity: O(k·d), allocation-free for k ≤ 16·64.
    @inlinable
    public func nearestCluster(_ x: UnsafeBufferPointer<Float>) -> (index: Int, distance2: Float) {
        let d = dimension
        let blockCount = norms.count
        return blocks.withUnsafeBufferPointer { blocks in
            norms.withUnsafeBufferPointer { norms in
                let xBase = x.baseAddress!
                let queryNorm = Self.squaredNorm(xBase, d)
                // Rounding-error bound of one float32 score (see README, "Routing"): generous by a factor ~2.
                let tolerance = 5e-6 * (queryNorm + maxNorm)
                if blockCount == 1 {
                    let score = Self.blockScores(xBase, d, blocks.baseAddress!, norms[0])
                    let best = Self.horizontalMin(score)
                    let close = Self.laneBits(score .<= best + tolerance)
                    if close.nonzeroBitCount > 1 { return exactNearest(xBase) }
                    return (close.trailingZeroBitCount, max(0, best + queryNorm))
                }
                return withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: blockCount) { scores in
                    var lowest = SIMD16<Float>(repeating: .infinity)
                    for block in 0..<blockCount {
                        let score = Self.blockScores(xBase, d, blocks.baseAddress! + block * d, norms[block])
                        scores[block] = score
                        lowest = Self.pointwiseMin(lowest, score)
                    }
                    let best = Self.horizontalMin(lowest)
                    var closeCount = 0
                    var bestIndex = 0
                    for block in 0..<blockCount {
                        let close = Self.laneBits(scores[block] .<= best + tolerance)
                        if close != 0, closeCount == 0 { bestIndex = block * 16 + close.trailingZeroBitCount }
                        closeCount += close.nonzeroBitCount
                    }
                    if closeCount > 1 { return exactNearest(xBase) }
                    return (bestIndex, max(0, best + queryNorm))
                }
            }
        }
    }

    /// Lane-wise minimum without NaN handling (scores are never NaN for finite input), as one vector op.
    @inlinable @inline(__always)
    static func pointwiseMin(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: b .< a)
    }

    /// The smallest lane, by a shuffle tree (the standard library's `min()` is a scalar loop).
    @inlinable @inline(__always)
    static func horizontalMin(_ s: SIMD16<Float>) -> Float {
        let s1 = pointwiseMin(
            s, SIMD16(s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]))
        let s2 = pointwiseMin(
            s1,
            SIMD16(s1[4], s1[5], s1[6], s1[7], s1[0], s1[1], s1[2], s1[3], s1[4], s1[5], s1[6], s1[7], s1[0], s1[1], s1[2], s1[3]))
        let s3 = pointwiseMin(
            s2,
            SIMD16(s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1]))
        return s3[1] < s3[0] ? s3[1] : s3[0]
    }

    /// A mask as a 16-bit integer, lane i at bit i.
    @inlinable @inline(__always)
    static func laneBits(_ mask: SIMDMask<SIMD16<Int32>>) -> UInt32 {
        let values = SIMD16<Int32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        return UInt32(bitPattern: SIMD16<Int32>(repeating: 0).replacing(with: values, where: mask).wrappedSum())
    }

    /// `||μ||² − 2x·μ` for the 16 clusters of one block.
    ///
    /// Eight independent accumulator chains: a fused multiply-add has a latency of about 4 cycles and two
    /// issue per cycle, so eight chains in flight keep both units busy (four chains halve the throughput).
    @inlinable @inline(__always)
    static func blockScores(
        _ x: UnsafePointer<Float>, _ d: Int, _ block: UnsafePointer<SIMD16<Float>>, _ norms: SIMD16<Float>
    ) -> SIMD16<Float> {
        var a0 = SIMD16<Float>()
        var a1 = SIMD16<Float>()
        var a2 = SIMD16<Float>()
        var a3 = SIMD16<Float>()
        var a4 = SIMD16<Float>()
        var a5 = SIMD16<Float>()
        var a6 = SIMD16<Float>()
        var a7 = SIMD16<Float>()
        var j = 0
        while j &+ 8 <= d {
            a0 = a0.addingProduct(block[j], x[j])
            a1 = a1.addingProduct(block[j &+ 1], x[j &+ 1])
            a2 = a2.addingProduct(block[j &+ 2], x[j &+ 2])
            a3 = a3.addingProduct(block[j &+ 3], x[j &+ 3])
            a4 = a4.addingProduct(block[j &+ 4], x[j &+ 4])
            a5 = a5.addingProduct(block[j &+ 5], x[j &+ 5])
            a6 = a6.addingProduct(block[j &+ 6], x[j &+ 6])
            a7 = a7.addingProduct(block[j &+ 7], x[j &+ 7])
            j = j &+ 8
        }
        while j < d {
            a0 = a0.addingProduct(block[j], x[j])
            j = j &+ 1
        }
        let dot = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        return norms - (dot + dot)
    }

    @inlinable @inline(__always)
    static func squaredNorm(_ x: UnsafePointer<Float>, _ d: Int) -> Float {
        var sum = SIMD16<Float>()
        var j = 0
        while j + 16 <= d {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
            sum = sum.addingProduct(v, v)
            j += 16
        }
        var tail: Float = 0
        while j < d {
            tail += x[j] * x[j]
            j += 1
        }
        return horizontalSum(sum) + tail
    }

    /// The sum of the lanes by a shuffle tree (the standard library's `sum()` adds lane by lane, in order).
    @inlinable @inline(__always)
    static func horizontalSum(_ s: SIMD16<Float>) -> Float {
        let s1 = s + SIMD16(s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
        let s2 = s1 + SIMD16(s1[4], s1[5], s1[6], s1[7], s1[0], s1[1], s1[2], s1[3], s1[4], s1[5], s1[6], s1[7], s1[0], s1[1], s1[2], s1[3])
        let s3 = s2 + SIMD16(s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1], s2[2], s2[3], s2[0], s2[1])
        return s3[0] + s3[1]
    }

    /// The exact float64 argmin over all clusters, ties to the lowest index.
    @usableFromInline
    func exactNearest(_ x: UnsafePointer<Float>) -> (index: Int, distance2: Float) {
        let d = dimension
        return exactCentroids.withUnsafeBufferPointer { centroids in
            var best = Double.infinity
            var bestIndex = 0
            for cluster in 0..<clusterCount {
                let row = centroids.baseAddress! + cluster * d
                var sum = 0.0
                for j in 0..<d {
                    let difference = Double(x[j]) - row[j]
                    sum += difference * difference
                }
                if sum < best {
                    best = sum
                    bestIndex = cluster
                }
            }
            return (bestIndex, Float(best))
        }
    }
}
