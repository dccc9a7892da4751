/// Why a drift detector or the fleet monitor refused its configuration or an observation.
///
/// Every case names the offending setting or field and the value that was given, so the caller can fix
/// the configuration file or the telemetry that produced it.
public enum DriftError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration setting is outside its valid range.
    case invalidSetting(name: String, value: String, expected: String)
    /// An observation carried a cluster index the monitor does not know.
    case clusterOutOfRange(cluster: Int, clusterCount: Int)
    /// An observation carried a value that is not finite or outside its domain.
    case invalidObservation(field: String, value: Double, expected: String)
    /// A reference occupancy does not match the number of clusters it is for.
    case referenceMismatch(clusterCount: Int, occupancyCount: Int)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .invalidSetting(let name, let value, let expected):
            return "drift setting `\(name)` is \(value); expected \(expected)"
        case .clusterOutOfRange(let cluster, let clusterCount):
            return "observation has cluster \(cluster), but the monitor's reference has \(clusterCount) clusters "
                + "(0..<\(clusterCount)); rebase the monitor after a re-clustering"
        case .invalidObservation(let field, let value, let expected):
            return "observation field `\(field)` is \(value); expected \(expected)"
        case .referenceMismatch(let clusterCount, let occupancyCount):
            return "reference has \(clusterCount) clusters but \(occupancyCount) occupancy counts; "
                + "give one count per cluster, or none to learn the occupancy from the stream"
        }
    }
}

extension DriftError {
    /// Throws `invalidSetting` unless `condition` holds.
    static func require(
        _ condition: Bool,
        _ name: String,
        _ value: some CustomStringConvertible,
        _ expected: String
    ) throws(DriftError) {
        guard condition else {
            throw .invalidSetting(name: name, value: value.description, expected: expected)
        }
    }
}
