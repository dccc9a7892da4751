import CConsRouteKernels

/// Float16 <-> Float conversion of whole runs of values, with F16C where the CPU has it (`half.c`): how the window
/// (the representation reservoir and the shadow samples) writes and reads its Float16 rows.
///
/// Without a `-target-cpu` flag Swift converts each Float16 on x86-64 with a library call. Both paths give the same
/// bits (IEEE conversions, rounding to nearest even).
enum HalfPrecision {
    /// Writes `values` narrowed to Float16 into `storage[base..<base + values.count]`.
    static func store(_ values: [Float], into storage: inout [Float16], at base: Int) {
        values.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { buffer in
                let target = UnsafeMutableBufferPointer(rebasing: buffer[base..<base + source.count])
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                let converted = to.withMemoryRebound(to: UInt16.self, capacity: target.count) {
                    consroute_float_to_half(from, $0, source.count)
                }
                if converted == 0 { for i in source.indices { target[i] = Float16(source[i]) } }
            }
        }
    }

    /// Writes `storage[base..<base + target.count]` widened to Float into `target`.
    static func load(_ storage: [Float16], at base: Int, into target: UnsafeMutableBufferPointer<Float>) {
        storage.withUnsafeBufferPointer { buffer in
            let source = UnsafeBufferPointer(rebasing: buffer[base..<base + target.count])
            guard let from = source.baseAddress, let to = target.baseAddress else { return }
            let converted = from.withMemoryRebound(to: UInt16.self, capacity: source.count) {
                consroute_half_to_float($0, to, source.count)
            }
            if converted == 0 { for i in source.indices { target[i] = Float(source[i]) } }
        }
    }
}
