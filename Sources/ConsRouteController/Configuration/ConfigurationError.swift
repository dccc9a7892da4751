import ConsRouteYAML

/// Why the controller's configuration cannot be used; every message names the file (or environment variable),
/// the line and the key at fault.
package enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML.
    case syntax(file: String, line: Int, reason: String)
    /// The key `field` has a value that cannot be used, for `reason`.
    case invalid(file: String, line: Int, field: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read the configuration: \(reason)"
        case .syntax(let file, let line, let reason): "\(file):\(line): invalid YAML: \(reason)"
        case .invalid(let file, let line, let field, let reason):
            // An environment override ($CONSROUTE_...) has no line.
            file.hasPrefix("$") ? "\(file): \(field): \(reason)" : "\(file):\(line): \(field): \(reason)"
        }
    }
}

/// The YAML field reader reports its failures as configuration errors.
extension ConfigurationError: YAMLFieldFailure {}
