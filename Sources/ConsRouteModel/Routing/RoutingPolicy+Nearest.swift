internal import CConsRouteKernels

extension RoutingPolicy {
    /// Index of the nearest centroid and the squared distance to it.
    ///
    /// Scores `||μ||² − 2x·μ` in float32 with SIMD over 16 clusters at a time (`consroute_kernels.h`). When
    /// another cluster's score is within the float32 rounding-error bound of the best one, the query is
    /// re-scored exactly in float64 (`Σ (x − μ)²`), so the answer equals an exact float64 argmin (ties to
    /// the lowest index) while the common case costs k·d/16 fused multiply-adds.
    /// - Complexity: O(k·d), allocation-free.
    public func nearestCluster(_ x: UnsafeBufferPointer<Float>) -> (index: Int, distance2: Float) {
        var distance2: Float = 0
        let index = kernelFloats.withUnsafeBufferPointer { buffer in
            let blocks = Self.aligned(buffer.baseAddress!)
            // Rounding-error bound of one float32 score (see README, "Routing"): generous by a factor ~2.
            return consroute_nearest_centroid(
                x.baseAddress!, dimension, blocks, blocks + blockCount * dimension * 16, blockCount, maxNorm, 5e-6,
                &distance2)
        }
        if index < 0 { return exactNearest(x.baseAddress!) }
        return (index, distance2)
    }

    /// Floats of slack before the kernel's data, so that it can start on a 64-byte boundary.
    static let kernelAlignmentSlack = 15

    /// The first 64-byte boundary at or after `base` (a Float pointer is 4-byte aligned, so within 15 floats).
    @inline(__always)
    static func aligned(_ base: UnsafePointer<Float>) -> UnsafePointer<Float> {
        base + ((64 &- Int(bitPattern: base) & 63) & 63) / 4
    }

    /// The exact float64 argmin over all clusters, ties to the lowest index.
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
