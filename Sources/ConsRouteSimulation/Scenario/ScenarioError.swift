import ConsRouteYAML

/// Why a scenario file could not be loaded. Every message names the file, the line and the field at fault.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML.
    case syntax(file: String, line: Int, reason: String)
    /// A field is missing, unknown or has a bad value, e.g. `phases[1].at: expected an event index >= 0`.
    case invalid(file: String, line: Int, field: String, reason: String)

    /// The message: `file:line: field: reason`.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read the scenario: \(reason)"
        case .syntax(let file, let line, let reason): "\(file):\(line): invalid YAML: \(reason)"
        case .invalid(let file, let line, let field, let reason): "\(file):\(line): \(field): \(reason)"
        }
    }
}

extension ScenarioError: YAMLFieldFailure {}

/// A field of a scenario document.
typealias YAMLField = YAMLNodeField<ScenarioError>
/// A mapping of a scenario document.
typealias YAMLMapping = YAMLNodeMapping<ScenarioError>
