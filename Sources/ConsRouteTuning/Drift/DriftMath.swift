#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few libm functions the drift detectors need, without importing Foundation into the algorithms.
enum DriftMath {
    @inline(__always) static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log(x)
        #else
            Darwin.log(x)
        #endif
    }

    @inline(__always) static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.exp(x)
        #else
            Darwin.exp(x)
        #endif
    }

    /// log Γ(x) for x > 0.
    @inline(__always) static func logGamma(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.lgamma(x)
        #else
            Darwin.lgamma(x)
        #endif
    }
}
