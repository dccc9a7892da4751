/// The threshold grid of the exact sweep: `t_j = Float(j) / Float(steps)`, `j = 0...steps`.
///
/// The default, ``w3``, is the benchmark W3 grid (201 values). Comparisons are in `Float`, as
/// on the device.
public struct ThresholdGrid: Sendable, Hashable {
    /// The number of intervals; the grid has `steps + 1` values.
    public let steps: Int

    /// Creates a grid over [0, 1].
    /// - Parameter steps: the number of intervals, in 1...65_536.
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` outside that range.
    public init(steps: Int) throws {
        guard (1...65_536).contains(steps) else {
            throw ThresholdTuningError.invalidSetting(name: "grid.steps", value: Double(steps), allowed: "1...65536")
        }
        self.steps = steps
    }

    /// The W3 grid, `t_j = Float(j) / Float(200)`.
    public static let w3 = ThresholdGrid(checked: 200)

    private init(checked steps: Int) { self.steps = steps }

    /// The number of grid values, `steps + 1`.
    public var count: Int { steps + 1 }

    /// The `j`-th grid value.
    @inline(__always)
    public func value(_ j: Int) -> Float { Float(j) / Float(steps) }

    /// The number of grid values `<= p` (compared in `Float`): thresholds `t_j` with `j` below
    /// this rank send a sample with prediction `p` to the tier.
    /// - Complexity: O(1).
    @inline(__always)
    public func rank(of p: Float) -> Int {
        guard p >= 0 else { return 0 }
        guard p < 1 else { return count }
        var j = Int(p * Float(steps))
        while j + 1 <= steps, value(j + 1) <= p { j += 1 }
        while j >= 0, value(j) > p { j -= 1 }
        return j + 1
    }
}
