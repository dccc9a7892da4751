import CConsRouteKernels

/// Float16 <-> Float conversion of whole runs of values, with F16C where the CPU has it (`half.c`).
///
/// Without a `-target-cpu` flag Swift converts each Float16 on x86-64 with a library call; the window's reads and
/// writes go through here instead. Both paths give the same bits (IEEE conversions, rounding to nearest even).
enum HalfPrecision {
    /// Writes `source` widened to Float into `target` (same count).
    static func widen(_ source: UnsafeBufferPointer<Float16>, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count == target.count, "half-precision widening needs equal counts")
        guard let from = source.baseAddress, let to = target.baseAddress, !source.isEmpty else { return }
        let converted = from.withMemoryRebound(to: UInt16.self, capacity: source.count) {
            consroute_half_to_float($0, to, source.count)
        }
        if converted == 0 { for i in source.indices { target[i] = Float(source[i]) } }
    }

    /// Writes `source` narrowed to Float16 (rounding to nearest even) into `target` (same count).
    static func narrow(_ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float16>) {
        precondition(source.count == target.count, "half-precision narrowing needs equal counts")
        guard let from = source.baseAddress, let to = target.baseAddress, !source.isEmpty else { return }
        let converted = to.withMemoryRebound(to: UInt16.self, capacity: target.count) {
            consroute_float_to_half(from, $0, source.count)
        }
        if converted == 0 { for i in source.indices { target[i] = Float16(source[i]) } }
    }
}
