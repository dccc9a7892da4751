/// Tree reductions of SIMD vectors (the standard library's `sum()`/`min()` reduce lane by lane, which
/// serialises 15 dependent operations) and the squared distance built on them.
///
/// Products are accumulated with `acc += a * b`, not `addProduct`: a fused multiply-add is lowered to a
/// per-lane `fmaf` library call when the target CPU has no FMA (a plain `swift build` targets baseline
/// x86-64), which measured 11x slower there, while the unfused form costs ~4% with AVX-512 enabled.
enum SIMDReductions {
    /// The sum of the 16 lanes, by halving.
    @inline(__always)
    static func sum(_ v: SIMD16<Float>) -> Float {
        let v8 = v.lowHalf + v.highHalf
        let v4 = v8.lowHalf + v8.highHalf
        let v2 = v4.lowHalf + v4.highHalf
        return v2[0] + v2[1]
    }

    /// The smallest lane and the lowest lane index holding it.
    ///
    /// A butterfly (swap halves, quarters, pairs, neighbours; take the lane-wise minimum) leaves the
    /// minimum in every lane, so one vector compare finds the lanes holding it; the lowest such index is
    /// found by the same butterfly on the lane numbers (as floats). Every step is one shuffle and one
    /// `vminps`; the standard library's `min()` and `.==` against a splat would run lane by lane.
    @inline(__always)
    static func argmin(_ v: SIMD16<Float>) -> (value: Float, lane: Int32) {
        let minimum = broadcastMin(v)
        let lanes = SIMD16<Float>(repeating: 16).replacing(with: laneNumbers, where: v .== minimum)
        return (minimum[0], Int32(broadcastMin(lanes)[0]))
    }

    /// `argmin`, plus the smallest value among the other lanes (the second smallest, +∞ if none).
    @inline(__always)
    static func argminWithSecond(_ v: SIMD16<Float>) -> (value: Float, lane: Int32, second: Float) {
        let minimum = broadcastMin(v)
        let lanes = broadcastMin(SIMD16<Float>(repeating: 16).replacing(with: laneNumbers, where: v .== minimum))
        let others = v.replacing(with: .infinity, where: laneNumbers .== lanes)
        return (minimum[0], Int32(lanes[0]), broadcastMin(others)[0])
    }

    private static let laneNumbers = SIMD16<Float>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    @inline(__always)
    private static func broadcastMin(_ v: SIMD16<Float>) -> SIMD16<Float> {
        var m = lanewiseMin(v, SIMD16(lowHalf: v.highHalf, highHalf: v.lowHalf))
        m = lanewiseMin(
            m,
            SIMD16(
                lowHalf: SIMD8(lowHalf: m.lowHalf.highHalf, highHalf: m.lowHalf.lowHalf),
                highHalf: SIMD8(lowHalf: m.highHalf.highHalf, highHalf: m.highHalf.lowHalf)
            )
        )
        m = lanewiseMin(
            m,
            SIMD16(
                m[2],
                m[3],
                m[0],
                m[1],
                m[6],
                m[7],
                m[4],
                m[5],
                m[10],
                m[11],
                m[8],
                m[9],
                m[14],
                m[15],
                m[12],
                m[13]
            )
        )
        m = lanewiseMin(
            m,
            SIMD16(
                m[1],
                m[0],
                m[3],
                m[2],
                m[5],
                m[4],
                m[7],
                m[6],
                m[9],
                m[8],
                m[11],
                m[10],
                m[13],
                m[12],
                m[15],
                m[14]
            )
        )
        return m
    }

    @inline(__always)
    private static func lanewiseMin(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: b .< a)
    }

    /// The lane sums of four vectors at once (a transposing tree: 6 two-source shuffles and 4 adds
    /// instead of four separate reductions).
    @inline(__always)
    static func sum4(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>, _ d: SIMD16<Float>) -> SIMD4<Float> {
        let ab =
            SIMD16(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
            + SIMD16(
                a[8],
                a[9],
                a[10],
                a[11],
                a[12],
                a[13],
                a[14],
                a[15],
                b[8],
                b[9],
                b[10],
                b[11],
                b[12],
                b[13],
                b[14],
                b[15]
            )
        let cd =
            SIMD16(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7])
            + SIMD16(
                c[8],
                c[9],
                c[10],
                c[11],
                c[12],
                c[13],
                c[14],
                c[15],
                d[8],
                d[9],
                d[10],
                d[11],
                d[12],
                d[13],
                d[14],
                d[15]
            )
        let q =
            SIMD16(
                ab[0],
                ab[1],
                ab[2],
                ab[3],
                ab[8],
                ab[9],
                ab[10],
                ab[11],
                cd[0],
                cd[1],
                cd[2],
                cd[3],
                cd[8],
                cd[9],
                cd[10],
                cd[11]
            )
            + SIMD16(
                ab[4],
                ab[5],
                ab[6],
                ab[7],
                ab[12],
                ab[13],
                ab[14],
                ab[15],
                cd[4],
                cd[5],
                cd[6],
                cd[7],
                cd[12],
                cd[13],
                cd[14],
                cd[15]
            )
        let p =
            SIMD8(q[0], q[2], q[4], q[6], q[8], q[10], q[12], q[14])
            + SIMD8(q[1], q[3], q[5], q[7], q[9], q[11], q[13], q[15])
        return SIMD4(p[0], p[2], p[4], p[6]) + SIMD4(p[1], p[3], p[5], p[7])
    }

    /// ||x − c_t||² for four centres `c` at once (row `x` read once per 16 lanes).
    /// - Complexity: O(d).
    @inline(__always)
    static func squaredDistances4(
        _ x: UnsafePointer<Float>,
        _ c0: UnsafePointer<Float>,
        _ c1: UnsafePointer<Float>,
        _ c2: UnsafePointer<Float>,
        _ c3: UnsafePointer<Float>,
        _ dimension: Int
    ) -> SIMD4<Float> {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var j = 0
        while j &+ 16 <= dimension {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
            let d0 = v - UnsafeRawPointer(c0 + j).loadUnaligned(as: SIMD16<Float>.self)
            let d1 = v - UnsafeRawPointer(c1 + j).loadUnaligned(as: SIMD16<Float>.self)
            let d2 = v - UnsafeRawPointer(c2 + j).loadUnaligned(as: SIMD16<Float>.self)
            let d3 = v - UnsafeRawPointer(c3 + j).loadUnaligned(as: SIMD16<Float>.self)
            a0 += d0 * d0
            a1 += d1 * d1
            a2 += d2 * d2
            a3 += d3 * d3
            j &+= 16
        }
        var total = sum4(a0, a1, a2, a3)
        while j < dimension {
            let v = x[j]
            let diff = SIMD4(v - c0[j], v - c1[j], v - c2[j], v - c3[j])
            total += diff * diff
            j &+= 1
        }
        return total
    }

    /// Σ values in `Double`, eight independent lanes at a time (a single running sum would serialise
    /// on the add latency).
    /// - Complexity: O(count).
    static func sumAsDouble(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var lanes = SIMD8<Double>()
        var i = 0
        while i &+ 8 <= count {
            lanes += SIMD8<Double>(UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self))
            i &+= 8
        }
        var total = sum(lanes)
        while i < count {
            total += Double(values[i])
            i &+= 1
        }
        return total
    }

    /// The sum of the 8 lanes, by halving.
    @inline(__always)
    static func sum(_ v: SIMD8<Double>) -> Double {
        let v4 = v.lowHalf + v.highHalf
        let v2 = v4.lowHalf + v4.highHalf
        return v2[0] + v2[1]
    }

    /// ||a − b||² over `dimension` floats, 16 lanes at a time, accumulated in `Float`.
    /// - Complexity: O(d).
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        while j &+ 16 <= dimension {
            let diff =
                UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
            acc += diff * diff
            j &+= 16
        }
        var total = sum(acc)
        while j < dimension {
            let diff = a[j] - b[j]
            total += diff * diff
            j &+= 1
        }
        return total
    }

    /// ||a||² over `dimension` floats, 16 lanes at a time, accumulated in `Float`.
    /// - Complexity: O(d).
    @inline(__always)
    static func squaredNorm(_ a: UnsafePointer<Float>, _ dimension: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        while j &+ 16 <= dimension {
            let v = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
            acc += v * v
            j &+= 16
        }
        var total = sum(acc)
        while j < dimension {
            total += a[j] * a[j]
            j &+= 1
        }
        return total
    }

    /// ||(x − offset) − c||² over `dimension` floats: the distance of a raw point to a centred centroid,
    /// rounded exactly as when the point is first centred into a `CentredChunk`.
    /// - Complexity: O(d).
    @inline(__always)
    static func centredSquaredDistance(
        _ x: UnsafePointer<Float>,
        _ offset: [Float],
        _ c: UnsafePointer<Float>,
        _ dimension: Int
    ) -> Float {
        offset.withUnsafeBufferPointer { offset in
            let o = offset.baseAddress!
            var acc = SIMD16<Float>()
            var j = 0
            while j &+ 16 <= dimension {
                let diff =
                    (UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
                        - UnsafeRawPointer(o + j).loadUnaligned(as: SIMD16<Float>.self))
                    - UnsafeRawPointer(c + j).loadUnaligned(as: SIMD16<Float>.self)
                acc += diff * diff
                j &+= 16
            }
            var total = sum(acc)
            while j < dimension {
                let diff = (x[j] - o[j]) - c[j]
                total += diff * diff
                j &+= 1
            }
            return total
        }
    }
}
