/// The canary comparison's state when a rollout step was taken: per arm the shadow samples and the mean per-sample
/// objective, and the confidence bounds of mean(canary) − mean(control).
public struct RolloutFigures: Sendable, Hashable {
    /// Shadow samples from devices that applied the canary.
    public var canarySamples: Int64
    /// Their mean per-sample objective (0 without samples).
    public var canaryMean: Double
    /// Shadow samples from devices that applied the active (control) table.
    public var controlSamples: Int64
    /// Their mean per-sample objective (0 without samples).
    public var controlMean: Double
    /// Lower confidence bound of mean(canary) − mean(control).
    public var lowerBound: Double
    /// Upper confidence bound of mean(canary) − mean(control); not below `lowerBound`.
    public var upperBound: Double

    /// Creates figures.
    /// - Parameters:
    ///   - canarySamples: Canary samples, >= 0.
    ///   - canaryMean: Canary mean, finite.
    ///   - controlSamples: Control samples, >= 0.
    ///   - controlMean: Control mean, finite.
    ///   - lowerBound: Lower bound of the difference, finite.
    ///   - upperBound: Upper bound of the difference, finite and >= `lowerBound`.
    public init(
        canarySamples: Int64,
        canaryMean: Double,
        controlSamples: Int64,
        controlMean: Double,
        lowerBound: Double,
        upperBound: Double
    ) {
        self.canarySamples = canarySamples
        self.canaryMean = canaryMean
        self.controlSamples = controlSamples
        self.controlMean = controlMean
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Checks every field.
    func validate(_ field: String) throws {
        try FieldRule.nonNegative(canarySamples, "\(field).canarySamples")
        try FieldRule.nonNegative(controlSamples, "\(field).controlSamples")
        try FieldRule.finite(canaryMean, "\(field).canaryMean")
        try FieldRule.finite(controlMean, "\(field).controlMean")
        try FieldRule.finite(lowerBound, "\(field).lowerBound")
        try FieldRule.finite(upperBound, "\(field).upperBound")
        if upperBound < lowerBound {
            throw HistoryStoreError.invalidField(
                field: "\(field).upperBound",
                reason: "must not be below the lower bound \(lowerBound), got \(upperBound)"
            )
        }
    }
}
