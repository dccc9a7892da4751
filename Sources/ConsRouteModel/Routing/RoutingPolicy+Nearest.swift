internal import CConsRouteKernels

extension RoutingPolicy {
    /// Index of the nearest centroid and the squared distance to it.
    ///
    /// Scores `||μ||² − 2x·μ` in float32 with the widest SIMD the CPU has (`RoutingKernel`, `consroute_kernels.h`).
    /// When another cluster's score is within the float32 rounding-error bound of the best one, the query is
    /// re-scored exactly in float64 (`Σ (x − μ)²`), so the answer equals an exact float64 argmin (ties to the
    /// lowest index) on every kernel path while the common case costs k·d/16 fused multiply-adds.
    /// - Parameter kernel: the path to score with; nil for the selected one (`RoutingKernel.selected`).
    /// - Complexity: O(k·d), allocation-free.
    public func nearestCluster(
        _ x: UnsafeBufferPointer<Float>,
        kernel: RoutingKernel? = nil
    ) -> (index: Int, distance2: Float) {
        let located = locate(x, kernel: kernel)
        return (located.index, located.distance2)
    }

    /// The nearest cluster, the float64 squared distance to it, and whether that distance exceeds the cluster's
    /// `radius2`: the same bits on every kernel path, so on every machine.
    ///
    /// `nearestCluster` and `decide` agree with it on the cluster and on novelty, but their distance is the float32
    /// score of the path that ran (each path sums in its own order; the AVX-512 VNNI screen re-scores in yet another),
    /// which differs in its last bits between machines. The control plane compares distances with radii and feeds
    /// them to the drift tests, so it places points with this, and a backtest replays the same on a laptop as on the
    /// server. One extra O(d) pass over the nearest centroid.
    /// - Parameter kernel: the path to find the cluster with; nil for the selected one. It never changes the answer.
    public func exactPlacement(
        _ x: UnsafeBufferPointer<Float>,
        kernel: RoutingKernel? = nil
    ) -> (index: Int, distance2: Double, isOutside: Bool) {
        let index = locate(x, kernel: kernel).index
        let distance2 = exactSquaredDistance(x.baseAddress!, to: index)
        return (index, distance2, distance2 > Double(radius2[index]))
    }

    /// The nearest cluster, the squared distance to it, and whether that distance exceeds the cluster's
    /// `radius2` (decided exactly in float64 when the float32 distance is within its rounding error of the
    /// radius, so that every kernel path agrees on novelty too).
    @usableFromInline
    func locate(_ x: UnsafeBufferPointer<Float>, kernel: RoutingKernel?) -> (
        index: Int, distance2: Float, isOutside: Bool
    ) {
        var distance2: Float = 0
        var uncertainty: Float = 0
        let index = kernelFloats.withUnsafeBufferPointer { buffer in
            let blocks = Self.aligned(buffer.baseAddress!)
            let norms = blocks + blockCount * dimension * 16
            // Without a screen (a table that fits in L1) the screened entry points are the float kernel's.
            return RoutingScreen.withKernelScreen(screen) { screen in
                if let kernel {
                    return consroute_nearest_centroid_screened_on(
                        kernel.path,
                        screen,
                        x.baseAddress!,
                        dimension,
                        blocks,
                        norms,
                        blockCount,
                        maxNorm,
                        &distance2,
                        &uncertainty
                    )
                }
                return consroute_nearest_centroid_screened(
                    screen,
                    x.baseAddress!,
                    dimension,
                    blocks,
                    norms,
                    blockCount,
                    maxNorm,
                    &distance2,
                    &uncertainty
                )
            }
        }
        if index < 0 {
            let exact = exactNearest(x.baseAddress!)
            return (exact.index, Float(exact.distance2), exact.distance2 > Double(radius2[exact.index]))
        }
        let radius = radius2[index]
        if abs(distance2 - radius) > uncertainty { return (index, distance2, distance2 > radius) }
        let exact = exactSquaredDistance(x.baseAddress!, to: index)
        return (index, distance2, exact > Double(radius))
    }

    /// The nearest cluster found by the int8 screen's plain-C reference (nil for a table without a screen):
    /// what the tests hold the `avx512vnni` path's screen to on machines of every kind.
    package func screenedReferenceNearest(_ x: UnsafeBufferPointer<Float>) -> Int? {
        guard let screen else { return nil }
        var distance2: Float = 0
        var uncertainty: Float = 0
        let index = kernelFloats.withUnsafeBufferPointer { buffer in
            let blocks = Self.aligned(buffer.baseAddress!)
            return RoutingScreen.withKernelScreen(screen) {
                consroute_nearest_centroid_screened_reference(
                    $0!,
                    x.baseAddress!,
                    dimension,
                    blocks,
                    blocks + blockCount * dimension * 16,
                    blockCount,
                    maxNorm,
                    &distance2,
                    &uncertainty
                )
            }
        }
        return index < 0 ? exactNearest(x.baseAddress!).index : index
    }

    /// Whether this table has an int8 screen (`RoutingScreen`).
    public var isScreened: Bool { screen != nil }

    /// Whether decisions on `kernel` run this table's int8 screen: on `avx512vnni` whenever it has one, on `avx2`
    /// when it is large enough for the screen to pay there (`consroute_screen_runs`).
    public func runsScreen(on kernel: RoutingKernel) -> Bool {
        RoutingScreen.withKernelScreen(screen) { consroute_screen_runs(kernel.path, $0, dimension) != 0 }
    }

    /// Floats of slack before the kernel's data, so that it can start on a 64-byte boundary.
    static let kernelAlignmentSlack = 15

    /// The first 64-byte boundary at or after `base` (a Float pointer is 4-byte aligned, so within 15 floats).
    @inline(__always)
    static func aligned(_ base: UnsafePointer<Float>) -> UnsafePointer<Float> {
        base + ((64 &- Int(bitPattern: base) & 63) & 63) / 4
    }

    /// `Σ (x − μ)²` in float64 for the cluster at `index`.
    func exactSquaredDistance(_ x: UnsafePointer<Float>, to index: Int) -> Double {
        exactCentroids.withUnsafeBufferPointer { centroids in
            consroute_exact_squared_distance(x, centroids.baseAddress! + index * dimension, dimension)
        }
    }

    /// The exact float64 argmin over all clusters, ties to the lowest index.
    func exactNearest(_ x: UnsafePointer<Float>) -> (index: Int, distance2: Double) {
        let d = dimension
        return exactCentroids.withUnsafeBufferPointer { centroids in
            var best = Double.infinity
            var bestIndex = 0
            for cluster in 0..<clusterCount {
                let sum = consroute_exact_squared_distance(x, centroids.baseAddress! + cluster * d, d)
                if sum < best {
                    best = sum
                    bestIndex = cluster
                }
            }
            return (bestIndex, best)
        }
    }
}
