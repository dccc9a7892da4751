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
        let bound = cutBound()
        var found: (difference: Double, epsilon: Double)?
        forEachCut { difference, m in
            // |Δ| > sqrt(varianceTerm·m) + linearTerm·m, compared without the square root.
            let excess = difference - bound.linearTerm * m
            guard excess > 0 && excess * excess > bound.varianceTerm * m else { return true }
            found = (difference, (bound.varianceTerm * m).squareRoot() + bound.linearTerm * m)
            return false
        }
        return found
    }

    /// The most significant cut's mean difference over its threshold ε_cut (1 would alarm; 0 while the window is
    /// too short to cut).
    ///
    /// - Complexity: O(number of buckets).
    public func level() -> Double {
        guard width > configuration.gracePeriod else { return 0 }
        let bound = cutBound()
        var highest = 0.0
        forEachCut { difference, m in
            let epsilon = (bound.varianceTerm * m).squareRoot() + bound.linearTerm * m
            if epsilon > 0 { highest = max(highest, difference / epsilon) }
            return true
        }
        return highest
    }

    /// The two terms of ε_cut = sqrt(varianceTerm·m) + linearTerm·m for the current window.
    private func cutBound() -> (varianceTerm: Double, linearTerm: Double) {
        let logTerm = DriftMath.log(2 * DriftMath.log(Double(width)) / configuration.delta)
        return (2 * variance * logTerm, 2.0 / 3.0 * logTerm)
    }

    /// Visits every cut whose two sub-windows hold at least `minimumSubwindowLength` values, from the oldest
    /// bucket boundary to the newest, with the sub-windows' mean difference |Δ| and m = 1/n₀ + 1/n₁; stops when
    /// `visit` returns false.
    @inline(__always)
    private func forEachCut(_ visit: (_ difference: Double, _ m: Double) -> Bool) {
        let n = Double(width)
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
                if n1 < minimum { return }
                if n0 < minimum { continue }
                let inverse0 = 1 / n0
                let inverse1 = 1 / n1
                guard visit(abs(sum0 * inverse0 - (total - sum0) * inverse1), inverse0 + inverse1) else { return }
            }
            row -= 1
        }
    }

    private mutating func subtractOldest() {
        subtract(histogram.removeOldest())
    }
}
