public import ConsRouteModel

/// Chooses among an ``AllocationFamily`` the most aggressive member whose fleet quality ratio provably clears
/// `q_min`: Learn-then-Test (Angelopoulos, Bates, Candès, Jordan & Lei, 2021) with fixed-sequence testing that
/// tolerates a few failures, alpha spent as in a fallback procedure (Wiens & Dmitrienko, 2005).
///
/// The family is built on one part of the shadow samples; this test runs on the held-out part (the
/// ``CalibrationSet``). Members are tested in the family's order, safest first; a member passes when the
/// calibration set's lower confidence bound (``ConfidenceBound``) of its fleet quality difference `w (s - q_min c)`
/// is >= 0; testing stops at the `(k + 1)`-th member that fails (`k` = `failuresAllowed`), and the last member that
/// passed is chosen. Until the first failure members are tested at `alpha (1 - rescueShare)`; after the `j`-th
/// failure at `alpha rescueShare / k`. With `k = 0` this is plain fixed-sequence testing at `alpha`.
///
/// For any `k` the chance that some member below `q_min` passes is at most `alpha`: the `i`-th member below
/// `q_min` in the order can be tested only after `i - 1` failures (each earlier one below `q_min` failed, or the
/// error has already happened), so at most the first `k + 1` of them are tested, the `i`-th at a level of at most
/// the `(i - 1)`-th phase's (levels never grow, and a bound at a smaller level is lower), and those levels sum to
/// `alpha` (a union bound). So with probability at least `1 - alpha` the chosen member's true fleet quality ratio
/// is >= `q_min` (for held-out samples that represent the traffic the table will serve).
///
/// Why tolerate failures: on 0/1 outcomes the members that chase the most quality on the samples they were fitted
/// on can be worse out of sample than cheaper ones after them, and one of them failing would end a plain fixed
/// sequence at all-cloud. Why not split alpha evenly: the tests before the first failure decide most choices, and
/// each halving of their level widens every bound (measured on `llm-benchmarks.yaml`, docs/benchmarks.md). The
/// guardrail that follows checks the same bound at the level the chosen member passed at, so a member chosen here
/// is never refused by it.
public struct RiskControlledSelection: Sendable {
    /// The error probability alpha, in (0, 1).
    public var alpha: Double
    /// The objective (its `qualityMin` is the floor).
    public var weights: ObjectiveWeights
    /// Failed members testing goes past (each test then runs at `alpha / (failuresAllowed + 1)`).
    public var failuresAllowed: Int

    /// With a value, a member passes only when its bound clears `q_min` by the margin a window of this many events
    /// needs to stay at or above `q_min` with probability `1 - alpha`
    /// (``CalibrationSet/windowMargin(tiers:qualityMin:events:alpha:)``): then, with the test's confidence, the
    /// table's rolling windows of that length are below `q_min` in at most alpha of them, not only its mean above.
    public var windowEvents: Int?

    /// The share of alpha kept for the tests after the first failure (when failures are allowed).
    public static let rescueShare = 0.2

    /// The level members are tested at after `failures` failures (`0...failuresAllowed`).
    public func testLevel(afterFailures failures: Int) -> Double {
        guard failuresAllowed > 0 else { return alpha }
        if failures == 0 { return alpha * (1 - Self.rescueShare) }
        return alpha * Self.rescueShare / Double(failuresAllowed)
    }

    /// Creates a selection.
    /// - Parameters:
    ///   - alpha: the error probability.
    ///   - weights: the objective and its floor.
    ///   - failuresAllowed: failed members testing goes past (0: plain fixed sequence).
    public init(alpha: Double, weights: ObjectiveWeights, failuresAllowed: Int = 0) {
        precondition(failuresAllowed >= 0, "failuresAllowed must be >= 0")
        self.alpha = alpha
        self.weights = weights
        self.failuresAllowed = failuresAllowed
    }

    /// The outcome of a selection.
    public struct Choice: Sendable {
        /// The index of the chosen member, nil when even the safest failed the bound.
        public var member: Int?
        /// The members tested (those up to and including the last failure allowed).
        public var tested: Int
        /// The chosen member's figures (with the ratio bound), or the safest member's when none passed.
        public var estimate: PolicyEstimate
        /// The level the chosen member passed at (the safest member's first level when none passed).
        public var level: Double
    }

    /// Tests `family`'s members in order on `calibration`.
    /// - Parameters:
    ///   - family: the candidates, safest first.
    ///   - calibration: the held-out samples.
    ///   - tiersOf: the tier each calibration sample gets under a member's thresholds (the caller knows which
    ///     stratum, novelty and thresholds apply to each sample).
    /// - Complexity: O(members tested · n) plus one ratio bisection.
    public func select(
        _ family: AllocationFamily,
        on calibration: CalibrationSet,
        alsoRequiring extra: (([Tier]) -> Bool)? = nil,
        tiersOf: ([ThresholdPair]) -> [Tier]
    ) -> Choice {
        var chosen: Int?
        var chosenLevel = testLevel(afterFailures: 0)
        var tested = 0
        var failures = 0
        for (index, member) in family.members.enumerated() {
            tested += 1
            let level = testLevel(afterFailures: failures)
            let tiers = tiersOf(member)
            let margin =
                windowEvents.map {
                    calibration.windowMargin(tiers: tiers, qualityMin: weights.qualityMin, events: $0, alpha: alpha)
                } ?? 0
            if calibration.clearsFloor(tiers: tiers, qualityMin: weights.qualityMin, alpha: level, margin: margin),
                extra?(tiers) ?? true
            {
                chosen = index
                chosenLevel = level
            } else {
                failures += 1
                if failures > failuresAllowed { break }
            }
        }
        let reported = family.members.isEmpty ? [] : family.members[chosen ?? 0]
        let estimate = calibration.estimate(tiers: tiersOf(reported), weights: weights, alpha: chosenLevel)
        return Choice(member: chosen, tested: tested, estimate: estimate, level: chosenLevel)
    }

    /// The tiers of calibration samples for thresholds given per stratum: the ConsRoute rule on each sample's
    /// predictions with its stratum's pair.
    public static func tiers(_ calibration: CalibrationSet, _ pairs: [ThresholdPair]) -> [Tier] {
        (0..<calibration.count).map { i in
            pairs[calibration.stratum[i]].tier(
                pDevice: calibration.samples.pDevice[i],
                pEdge: calibration.samples.pEdge[i]
            )
        }
    }
}

extension AllocationFamily {
    /// The most aggressive member, in order, whose point-estimate quality ratio on `samples` clears `floor`
    /// (testing stops at the first that does not): the hindsight choice baselines make on the very samples they
    /// are judged on, with no bound. Nil when even the safest member misses the floor.
    public func lastMeeting(
        floor: Double,
        on samples: CalibrationSet,
        weights: ObjectiveWeights
    ) -> Int? {
        var chosen: Int?
        for (index, member) in members.enumerated() {
            let estimate = samples.estimate(
                tiers: RiskControlledSelection.tiers(samples, member),
                weights: weights,
                alpha: 0.5,
                withRatioBound: false
            )
            guard estimate.qualityRatio >= floor else { break }
            chosen = index
        }
        return chosen
    }
}
