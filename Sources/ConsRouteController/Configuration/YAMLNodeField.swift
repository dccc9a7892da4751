import Yams

/// A YAML node with the path that led to it, so that every complaint names the file, line and field.
struct YAMLField {
    let node: Node
    /// The dotted path, e.g. `phases[1].at` (empty for the document root).
    let path: String
    let file: String

    /// An error about this field.
    func invalid(_ reason: String) -> ScenarioError {
        .invalid(file: file, line: node.mark?.line ?? 1, field: path.isEmpty ? "(document)" : path, reason: reason)
    }

    /// The field as a mapping whose keys must all be in `allowed`.
    ///
    /// - Throws: `ScenarioError.invalid` when it is no mapping, a key is not a string, or a key is unknown.
    func mapping(allowed: Set<String>) throws(ScenarioError) -> YAMLMapping {
        guard let mapping = node.mapping else { throw invalid("expected a mapping") }
        var entries: [String: YAMLField] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw invalid("keys must be strings") }
            let child = YAMLField(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file)
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw YAMLField(node: key, path: child.path, file: file).invalid("unknown key (known: \(known))")
            }
            guard entries[name] == nil else { throw child.invalid("duplicate key") }
            entries[name] = child
        }
        return YAMLMapping(field: self, entries: entries)
    }

    /// The field's elements, as fields `path[i]`.
    func sequence() throws(ScenarioError) -> [YAMLField] {
        guard let sequence = node.sequence else { throw invalid("expected a list") }
        return sequence.enumerated().map { YAMLField(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// A non-empty string.
    func string() throws(ScenarioError) -> String {
        guard let text = node.scalar?.string, !text.isEmpty else { throw invalid("expected a non-empty string") }
        return text
    }

    /// A finite number in `range`.
    func double(in range: ClosedRange<Double>, _ expectation: String) throws(ScenarioError) -> Double {
        guard let value = node.float, value.isFinite, range.contains(value) else {
            throw invalid("expected \(expectation)")
        }
        return value
    }

    /// An integer in `range`.
    func int(in range: ClosedRange<Int>, _ expectation: String) throws(ScenarioError) -> Int {
        guard let value = node.int, range.contains(value) else { throw invalid("expected \(expectation)") }
        return value
    }

    /// `true` or `false`.
    func bool() throws(ScenarioError) -> Bool {
        guard let value = node.bool else { throw invalid("expected true or false") }
        return value
    }
}

/// A mapping's known entries, by key.
struct YAMLMapping {
    let field: YAMLField
    let entries: [String: YAMLField]

    /// The entry for `key`, if present.
    subscript(key: String) -> YAMLField? { entries[key] }

    /// The entry for `key`.
    ///
    /// - Throws: `ScenarioError.invalid` naming the missing key at the mapping's line.
    func required(_ key: String) throws(ScenarioError) -> YAMLField {
        guard let entry = entries[key] else {
            let path = field.path.isEmpty ? key : "\(field.path).\(key)"
            throw YAMLField(node: field.node, path: path, file: field.file).invalid("required key is missing")
        }
        return entry
    }
}
