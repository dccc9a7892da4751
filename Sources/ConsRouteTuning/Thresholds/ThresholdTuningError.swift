/// Why threshold optimisation or policy evaluation refused its input.
///
/// Every case names the offending column, index or setting so the caller can fix the data or
/// the configuration without reading this code.
public enum ThresholdTuningError: Error, Equatable, CustomStringConvertible {
    /// A column of shadow samples has a different length than `pDevice`.
    case columnLengthMismatch(column: String, expected: Int, actual: Int)
    /// A value is NaN or infinite.
    case nonFiniteValue(column: String, index: Int)
    /// A score or predicted consistency lies outside [0, 1].
    case valueOutsideUnitInterval(column: String, index: Int, value: Float)
    /// A latency or cost is negative.
    case negativeValue(column: String, index: Int, value: Float)
    /// An optimiser or evaluator was given no shadow samples.
    case emptySamples(context: String)
    /// The all-cloud mean of a metric is zero, so the objective's ratio to all-cloud is undefined.
    case zeroCloudReference(metric: String)
    /// A configuration setting is out of its allowed range (objective weights throw `ObjectiveWeightsError`).
    case invalidSetting(name: String, value: Double, allowed: String)
    /// A per-sample array of a policy evaluation does not match the number of samples.
    case assignmentLengthMismatch(column: String, expected: Int, actual: Int)
    /// A sample refers to a cluster the policy has no thresholds for.
    case unknownCluster(sample: Int, cluster: Int, clusterCount: Int)
    /// A Gaussian-process surrogate could not be built from its inputs.
    case surrogateFailed(reason: String)

    /// A message naming what is wrong and how to fix it.
    public var description: String {
        switch self {
        case let .columnLengthMismatch(column, expected, actual):
            "shadow column \(column) has \(actual) values but pDevice has \(expected); "
                + "give every column one value per sample"
        case let .nonFiniteValue(column, index):
            "shadow column \(column) has a NaN or infinite value at index \(index)"
        case let .valueOutsideUnitInterval(column, index, value):
            "shadow column \(column) has \(value) at index \(index); scores and predictions must lie in [0, 1]"
        case let .negativeValue(column, index, value):
            "shadow column \(column) has \(value) at index \(index); latency and cost must be >= 0"
        case let .emptySamples(context):
            "\(context) has no shadow samples; collect some or use the fleet's pooled thresholds"
        case let .zeroCloudReference(metric):
            "the all-cloud mean \(metric) is 0, so the objective's \(metric) ratio is undefined; check the telemetry"
        case let .invalidSetting(name, value, allowed):
            "setting \(name) = \(value) is invalid; allowed: \(allowed)"
        case let .assignmentLengthMismatch(column, expected, actual):
            "policy evaluation: \(column) has \(actual) entries for \(expected) samples"
        case let .unknownCluster(sample, cluster, clusterCount):
            "sample \(sample) is assigned to cluster \(cluster) "
                + "but the policy has thresholds for \(clusterCount) clusters"
        case let .surrogateFailed(reason):
            "Gaussian process: \(reason)"
        }
    }
}
