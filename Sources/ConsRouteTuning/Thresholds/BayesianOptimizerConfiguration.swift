/// Settings of ``BayesianOptimizer``.
public struct BayesianOptimizerConfiguration: Sendable, Hashable {
    /// Objective evaluations per cluster, initial design included (default 40).
    public var evaluations: Int
    /// Points of the space-filling initial design, warm-start points included (default 10).
    public var initialDesignCount: Int
    /// How many of the previous run's best trials seed the initial design (default 5).
    public var warmStartCount: Int
    /// Random candidates per acquisition step; as many again are drawn near the best trials (default 128).
    public var candidateCount: Int
    /// The seed of the design and candidate streams (default 0).
    public var seed: UInt64

    /// Creates a configuration.
    /// - Parameters:
    ///   - evaluations: objective evaluations per cluster, >= 1.
    ///   - initialDesignCount: initial design points, in 1...evaluations.
    ///   - warmStartCount: previous trials reused, in 0...initialDesignCount.
    ///   - candidateCount: random candidates per acquisition step, >= 1.
    ///   - seed: the random seed.
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` naming the first bad setting.
    public init(
        evaluations: Int = 40,
        initialDesignCount: Int = 10,
        warmStartCount: Int = 5,
        candidateCount: Int = 128,
        seed: UInt64 = 0
    ) throws {
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("evaluations", evaluations, 1...100_000),
            ("initialDesignCount", initialDesignCount, 1...max(1, evaluations)),
            ("warmStartCount", warmStartCount, 0...initialDesignCount),
            ("candidateCount", candidateCount, 1...1_000_000),
        ]
        for (name, value, range) in checks where !range.contains(value) {
            throw ThresholdTuningError.invalidSetting(
                name: name,
                value: Double(value),
                allowed: "\(range.lowerBound)...\(range.upperBound)"
            )
        }
        self.init(
            checked: evaluations,
            initialDesignCount: initialDesignCount,
            warmStartCount: warmStartCount,
            candidateCount: candidateCount,
            seed: seed
        )
    }

    /// The default settings (40 evaluations, 10 initial points, 5 warm-start points, 128
    /// candidates) with the given seed.
    /// - Parameter seed: the random seed.
    public static func defaults(seed: UInt64 = 0) -> BayesianOptimizerConfiguration {
        BayesianOptimizerConfiguration(
            checked: 40,
            initialDesignCount: 10,
            warmStartCount: 5,
            candidateCount: 128,
            seed: seed
        )
    }

    private init(
        checked evaluations: Int,
        initialDesignCount: Int,
        warmStartCount: Int,
        candidateCount: Int,
        seed: UInt64
    ) {
        self.evaluations = evaluations
        self.initialDesignCount = initialDesignCount
        self.warmStartCount = warmStartCount
        self.candidateCount = candidateCount
        self.seed = seed
    }
}
