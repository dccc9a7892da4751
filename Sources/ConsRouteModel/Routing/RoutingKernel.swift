internal import CConsRouteKernels

/// The instruction sets the nearest-centroid kernel is compiled for, one of which runs each decision.
///
/// The package's default build carries every copy its architecture can have (x86-64: AVX-512, AVX2 + FMA,
/// SSE2; arm64: NEON; scalar C everywhere); the widest one the CPU supports is selected on the first decision,
/// unless the environment variable `CONSROUTE_KERNEL` names another supported one. All of them decide the
/// same: a query whose two best scores are within a path's float32 rounding-error bound is decided exactly in
/// float64, so the choice changes the speed only. `avx512vnni` is the `avx512` kernel plus the int8 screen
/// that tables larger than L1 get (`RoutingScreen`): it reads a quarter of the bytes and decides the same; `avx2`
/// runs the screen too for the largest tables (`RoutingPolicy.runsScreen(on:)`).
public enum RoutingKernel: Int, Sendable, CaseIterable, CustomStringConvertible {
    case scalar = 0
    case sse2 = 1
    case avx2 = 2
    case avx512 = 3
    case neon = 4
    case avx512vnni = 5

    /// The name `CONSROUTE_KERNEL` and the benchmark use: "scalar", "sse2", "avx2", "avx512", "neon",
    /// "avx512vnni".
    public var description: String { String(cString: consroute_kernel_name(path)) }

    /// Whether this CPU and this build can run the path.
    public var isSupported: Bool { consroute_kernel_supported(path) != 0 }

    /// The paths this CPU and this build can run, widest last.
    public static var supported: [RoutingKernel] { allCases.filter(\.isSupported) }

    /// The path every decision without an explicit kernel uses.
    public static var selected: RoutingKernel { RoutingKernel(rawValue: Int(consroute_kernel_selected().rawValue))! }

    /// Makes `kernel` the path of every later decision in this process (all routers).
    ///
    /// - Returns: false, changing nothing, if the path is not supported here.
    @discardableResult
    public static func select(_ kernel: RoutingKernel) -> Bool { consroute_kernel_select(kernel.path) != 0 }

    var path: consroute_kernel_path { consroute_kernel_path(rawValue: UInt32(rawValue)) }
}
