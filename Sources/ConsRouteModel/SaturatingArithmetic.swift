/// Arithmetic on values that come off the wire (event times above all): it clamps instead of trapping, so that no
/// message can crash the process with an overflow (issue 14).
extension Int64 {
    /// `self - other`, clamped to `Int64.min...Int64.max`.
    package func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self + other`, clamped to `Int64.min...Int64.max`.
    package func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }

    /// The largest multiple of `width` at or below `self` (floor division), or the multiple just above when that
    /// one is below `Int64.min`.
    ///
    /// - Parameter width: the positive bucket width.
    package func flooredToMultiple(of width: Int64) -> Int64 {
        let remainder = ((self % width) + width) % width
        let (floor, overflow) = subtractingReportingOverflow(remainder)
        return overflow ? self.saturatingAdding(width - remainder) : floor
    }
}
