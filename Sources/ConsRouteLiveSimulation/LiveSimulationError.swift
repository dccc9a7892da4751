/// Why a live simulation could not start.
public enum LiveSimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range.
    case invalidSetting(String, String)

    /// The message, naming the setting.
    public var description: String {
        switch self {
        case .invalidSetting(let name, let reason): "live simulation setting \(name) \(reason)"
        }
    }
}
