internal import CConsRouteKernels

/// A large table's centroids quantized to int8, so that a decision reads k·d bytes instead of 4·k·d.
///
/// Built by `RoutingPolicy` when the float centroids are larger than a core's L1 data cache
/// (`RoutingScreen.pays(clusters:dimension:)`). On the `avx512vnni` path the kernel scores every cluster with
/// exact integer dot products against these codes, bounds each score's error (Cauchy–Schwarz on the quantization
/// residuals), and re-scores in float32 only the clusters whose interval overlaps the best one's
/// (`consroute_screen` in `consroute_kernels.h`); the answer is the float kernels', bit for bit. The `avx2` path
/// runs the same screen with a slower integer dot, so only from 12,288 floats at d >= 384
/// (`consroute_screen_runs`); other paths ignore it.
struct RoutingScreen: Sendable {
    /// A table gets a screen (`pays`) when k·d >= `minimumFloats` at d >= `wideDimension`, or k·d >=
    /// `minimumFloatsBelowWideDimension` at `minimumDimension` <= d < `wideDimension`. Measured on Zen 4 (32 kB L1
    /// data cache; `scripts/screen-crossover.c`, docs/device-router.md): faster from 4,096 floats at d >= 192 (d = 256,
    /// k = 16: 113–124 against 128–129 ns; d = 384, k = 16: 140 against 192 ns; d = 192, k = 24: 148 against
    /// 187 ns), at d = 128 from k = 64 (200–216 against 242–245 ns) but not below (k = 32: 171–180 against
    /// 147–159 ns; k = 40 and 48 even or slower, 176–245 against 183–238 ns; d = 160, k = 32: even); slower below
    /// 4,096 floats (d = 128, k = 16: 89 against 65 ns) and at small d whatever k is (d = 64, k = 128: 313
    /// against 244 ns), where quantizing the query and the per-cluster intervals cost more than the float
    /// kernel's few multiply-adds per cluster.
    static let minimumFloats = 4_096
    static let minimumDimension = 128
    static let wideDimension = 192
    static let minimumFloatsBelowWideDimension = 8_192

    /// Whether a table of `k` clusters of `d` coordinates gets a screen (before the kernel's size limits).
    static func pays(clusters k: Int, dimension d: Int) -> Bool {
        d >= minimumDimension && k * d >= (d >= wideDimension ? minimumFloats : minimumFloatsBelowWideDimension)
    }

    /// Codes in the kernel's layout (see `consroute_screen.codes`), after `alignmentSlack` bytes of slack.
    let codes: ContiguousArray<Int8>
    let columnSums: ContiguousArray<Int32>
    /// Four planes of `blockCount · 16` values: scales, ||μ − μ̂|| bounds, ||μ̂|| bounds, ||μ||² (float64).
    let params: ContiguousArray<Double>
    /// Row-major float32 centroids, `rowStride` per cluster, after `RoutingPolicy.kernelAlignmentSlack` floats.
    let rows: ContiguousArray<Float>
    let paddedDimension: Int
    let rowStride: Int
    let clusterCount: Int

    static let alignmentSlack = 63

    /// The screen for `centroids` (k rows of d), or nil when the table is too small to need one or too large
    /// for the kernel's stack scratch.
    init?(centroids: [[Float]], dimension d: Int) {
        let k = centroids.count
        guard Self.pays(clusters: k, dimension: d), d <= Int(CONSROUTE_SCREEN_MAX_DIMENSION),
            k <= Int(CONSROUTE_SCREEN_MAX_CLUSTERS)
        else { return nil }
        let blockCount = (k + 15) / 16
        let padded = (d + 63) / 64 * 64
        let stride = (d + 15) / 16 * 16
        var codes = ContiguousArray<Int8>(repeating: 0, count: Self.alignmentSlack + blockCount * padded * 16)
        var sums = ContiguousArray<Int32>(repeating: 0, count: blockCount * 16)
        var params = ContiguousArray<Double>(repeating: 0, count: blockCount * 16 * 4)
        var rows = ContiguousArray<Float>(repeating: 0, count: RoutingPolicy.kernelAlignmentSlack + k * stride)
        let planes = blockCount * 16
        for lane in k..<planes { params[3 * planes + lane] = .infinity }
        codes.withUnsafeMutableBufferPointer { buffer in
            let start = Self.alignedOffset(UnsafeRawPointer(buffer.baseAddress!))
            rows.withUnsafeMutableBufferPointer { rowBuffer in
                let rowStart =
                    RoutingPolicy.aligned(UnsafePointer(rowBuffer.baseAddress!))
                    - UnsafePointer(rowBuffer.baseAddress!)
                for (c, centroid) in centroids.enumerated() {
                    var maxAbs: Float = 0
                    var norm = 0.0
                    for value in centroid {
                        maxAbs = max(maxAbs, abs(value))
                        norm += Double(value) * Double(value)
                    }
                    let scale = Double(maxAbs) / 127
                    var residual = 0.0
                    var quantized = 0.0
                    var sum: Int32 = 0
                    let blockBase = start + (c / 16) * 16 * padded + (c % 16) * 64
                    for (j, value) in centroid.enumerated() {
                        let code = scale > 0 ? max(-127, min(127, (Double(value) / scale).rounded())) : 0
                        buffer[blockBase + (j / 64) * 1024 + j % 64] = Int8(code)
                        sum += Int32(code)
                        let r = Double(value) - code * scale
                        residual += r * r
                        quantized += code * code
                        rowBuffer[rowStart + c * stride + j] = value
                    }
                    sums[c] = sum
                    // Upper bounds: the float64 sums' relative error is below 2⁻⁴⁰ at these sizes.
                    params[c] = scale
                    params[planes + c] = residual.squareRoot() * (1 + 0x1p-30)
                    params[2 * planes + c] = scale * quantized.squareRoot() * (1 + 0x1p-30)
                    params[3 * planes + c] = norm
                }
            }
        }
        self.codes = codes
        columnSums = sums
        self.params = params
        self.rows = rows
        paddedDimension = padded
        rowStride = stride
        clusterCount = k
    }

    /// Bytes from `base` to its first 64-byte boundary.
    @inline(__always)
    static func alignedOffset(_ base: UnsafeRawPointer) -> Int { (64 &- Int(bitPattern: base) & 63) & 63 }

    /// Calls `body` with the kernel's view of `screen` (valid only inside `body`), or with nil for no screen.
    @inline(__always)
    static func withKernelScreen<Result>(
        _ screen: RoutingScreen?,
        _ body: (UnsafePointer<consroute_screen>?) -> Result
    ) -> Result {
        guard let screen else { return body(nil) }
        return screen.codes.withUnsafeBufferPointer { codeBuffer in
            screen.columnSums.withUnsafeBufferPointer { sums in
                screen.params.withUnsafeBufferPointer { params in
                    screen.rows.withUnsafeBufferPointer { rowBuffer in
                        let codeBase = UnsafeRawPointer(codeBuffer.baseAddress!)
                        var view = consroute_screen(
                            codes: (codeBase + alignedOffset(codeBase)).assumingMemoryBound(to: Int8.self),
                            column_sums: sums.baseAddress!,
                            params: params.baseAddress!,
                            rows: RoutingPolicy.aligned(rowBuffer.baseAddress!),
                            padded_dimension: screen.paddedDimension,
                            row_stride: screen.rowStride,
                            cluster_count: screen.clusterCount
                        )
                        return withUnsafePointer(to: &view) { body($0) }
                    }
                }
            }
        }
    }
}
