import ConsRouteModel
import ConsRouteTuning
import ConsRouteYAML
import Foundation
import Yams

extension ControllerConfiguration {
    /// The controller's version, written into every table's provenance.
    package static let controllerVersion = "consroute 0.1.0"

    /// Reads and validates a configuration file, then applies `CONSROUTE_...` environment overrides.
    ///
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - environment: the process environment (overrides; see ``load(yaml:file:environment:)``).
    /// - Throws: `ConfigurationError` naming the file, line and key at fault.
    package static func load(path: String, environment: [String: String]) throws(ConfigurationError) -> Self {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try load(yaml: text, file: path, environment: environment)
    }

    /// Parses and validates a configuration document.
    ///
    /// Every key is optional except `fleets` and each fleet's `name`, `dimension` and `fingerprint`; unknown keys
    /// are errors (a misspelt key must not silently fall back to a default). A scalar key `a.b` outside `fleets`
    /// is overridden by the environment variable `CONSROUTE_A_B` (upper case, dots as underscores), e.g.
    /// `CONSROUTE_HTTP_PORT=9090`, `CONSROUTE_BROKER_BOOTSTRAP_SERVERS=host:9092`.
    ///
    /// - Parameters:
    ///   - yaml: the document.
    ///   - file: the name used in error messages.
    ///   - environment: the variables to read overrides from.
    /// - Throws: `ConfigurationError` naming the file (or variable), line and key at fault.
    package static func load(yaml: String, file: String, environment: [String: String]) throws(ConfigurationError)
        -> Self
    {
        let root =
            try YAMLNodeField<ConfigurationError>.root(of: yaml, file: file)
            ?? YAMLNodeField(node: Node.mapping(Node.Mapping([])), path: "", file: file)
        return try ConfigurationReader(environment: environment).configuration(root)
    }
}

/// Reads the configuration document section by section, letting the environment override scalar keys.
struct ConfigurationReader {
    typealias Field = YAMLNodeField<ConfigurationError>
    typealias Mapping = YAMLNodeMapping<ConfigurationError>

    let environment: [String: String]

    /// The value of `key` in `mapping`: the environment's override if set, else the document's entry.
    func value(_ mapping: Mapping, _ key: String) -> Field? {
        let path = mapping.field.path.isEmpty ? key : "\(mapping.field.path).\(key)"
        let variable = "CONSROUTE_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
        if !path.hasPrefix("fleets"), let text = environment[variable] {
            return Field(node: Node(text), path: path, file: "$\(variable)")
        }
        return mapping[key]
    }

    /// A mapping section, or an empty one when absent.
    func section(_ mapping: Mapping, _ key: String, allowed: Set<String>) throws(ConfigurationError) -> Mapping {
        if let field = mapping[key] { return try field.mapping(allowed: allowed) }
        let path = mapping.field.path.isEmpty ? key : "\(mapping.field.path).\(key)"
        return Mapping(
            field: Field(node: Node.mapping(Node.Mapping([])), path: path, file: mapping.field.file),
            entries: [:]
        )
    }

    func string(_ mapping: Mapping, _ key: String, default fallback: String, allowEmpty: Bool = false)
        throws(ConfigurationError)
        -> String
    {
        guard let field = value(mapping, key) else { return fallback }
        if allowEmpty, let text = field.node.scalar?.string { return text }
        return try field.string()
    }

    func int(_ mapping: Mapping, _ key: String, default fallback: Int, in range: ClosedRange<Int>)
        throws(ConfigurationError) -> Int
    {
        guard let field = value(mapping, key) else { return fallback }
        return try field.int(in: range, "a whole number in \(range.lowerBound)...\(range.upperBound)")
    }

    func double(
        _ mapping: Mapping,
        _ key: String,
        default fallback: Double,
        in range: ClosedRange<Double>
    ) throws(ConfigurationError) -> Double {
        guard let field = value(mapping, key) else { return fallback }
        return try field.double(in: range, "a number in \(range.lowerBound)...\(range.upperBound)")
    }

    /// The case of `T` whose raw value `key` names, `fallback` when the key is absent; another name is refused as
    /// "unknown KEY NAME (known: …)".
    func choice<T: RawRepresentable & CaseIterable>(
        _ mapping: Mapping,
        _ key: String,
        default fallback: T
    ) throws(ConfigurationError) -> T where T.RawValue == String {
        guard let field = value(mapping, key) else { return fallback }
        let name = try field.string()
        guard let known = T(rawValue: name) else {
            throw field.invalid(
                "unknown \(key) \(name) (known: \(T.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return known
    }

    /// Seconds in the document, milliseconds in the settings.
    func milliseconds(
        _ mapping: Mapping,
        _ key: String,
        defaultSeconds: Double,
        in range: ClosedRange<Double>
    ) throws(ConfigurationError) -> Int64 {
        Int64((try double(mapping, key, default: defaultSeconds, in: range) * 1_000).rounded())
    }
}
