extension ADWINDetector {
    /// Drops the oldest buckets while some cut of the window is significant; returns the first cut found.
    mutating func shrinkWhileChanged() -> DriftDetection? {
        var first: DriftDetection?
        while width > configuration.gracePeriod, let cut = firstSignificantCut() {
            if first == nil {
                first = DriftDetection(statistic: cut.difference, threshold: cut.epsilon, windowLength: width)
            }
            subtractOldest()
        }
        return first
    }

    /// Scans the cuts from the oldest bucket boundary to the newest; returns the first significant one.
    /// - Complexity: O(number of buckets) = O(M log(n/M)).
    private func firstSignificantCut() -> (difference: Double, epsilon: Double)? {
        let n = Double(width)
        let logTerm = DriftMath.log(2 * DriftMath.log(n) / configuration.delta)
        let varianceTerm = 2 * variance * logTerm
        let linearTerm = 2.0 / 3.0 * logTerm
        let minimum = Double(configuration.minimumSubwindowLength)
        var n0 = 0.0
        var sum0 = 0.0
        var row = histogram.rowCount - 1
        while row >= 0 {
            let size = Double(1 << row)
            for index in 0..<histogram.bucketCount(row: row) {
                n0 += size
                sum0 += histogram.sum(row: row, index: index)
                let n1 = n - n0
                if n1 < minimum { return nil }
                if n0 < minimum { continue }
                let inverse0 = 1 / n0
                let inverse1 = 1 / n1
                let difference = abs(sum0 * inverse0 - (total - sum0) * inverse1)
                let m = inverse0 + inverse1
                // |Δ| > sqrt(varianceTerm·m) + linearTerm·m, compared without the square root.
                let excess = difference - linearTerm * m
                if excess > 0 && excess * excess > varianceTerm * m {
                    return (difference, (varianceTerm * m).squareRoot() + linearTerm * m)
                }
            }
            row -= 1
        }
        return nil
    }

    /// The most significant cut's mean difference over its threshold ε_cut (1 would alarm; 0 while the window is
    /// too short to cut).
    ///
    /// - Complexity: O(number of buckets).
    public func level() -> Double {
        guard width > configuration.gracePeriod else { return 0 }
        let n = Double(width)
        let logTerm = DriftMath.log(2 * DriftMath.log(n) / configuration.delta)
        let varianceTerm = 2 * variance * logTerm
        let linearTerm = 2.0 / 3.0 * logTerm
        let minimum = Double(configuration.minimumSubwindowLength)
        var highest = 0.0
        var n0 = 0.0
        var sum0 = 0.0
        var row = histogram.rowCount - 1
        while row >= 0 {
            let size = Double(1 << row)
            for index in 0..<histogram.bucketCount(row: row) {
                n0 += size
                sum0 += histogram.sum(row: row, index: index)
                let n1 = n - n0
                if n1 < minimum { return highest }
                if n0 < minimum { continue }
                let m = 1 / n0 + 1 / n1
                let epsilon = (varianceTerm * m).squareRoot() + linearTerm * m
                guard epsilon > 0 else { continue }
                highest = max(highest, abs(sum0 / n0 - (total - sum0) / n1) / epsilon)
            }
            row -= 1
        }
        return highest
    }

    private mutating func subtractOldest() {
        subtract(histogram.removeOldest())
    }
}
