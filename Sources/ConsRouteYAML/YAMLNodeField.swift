package import Yams

/// The error a YAML document reader throws for a field: its file, line, dotted path and what is wrong with it.
package protocol YAMLFieldFailure: Error {
    /// The error for the field at `field` (line `line` of `file`) that is wrong for `reason`.
    static func invalid(file: String, line: Int, field: String, reason: String) -> Self
    /// The error for a document that is not valid YAML, at line `line` of `file`.
    static func syntax(file: String, line: Int, reason: String) -> Self
}

/// A YAML node with the path that led to it, so that every complaint names the file, line and field.
package struct YAMLNodeField<Failure: YAMLFieldFailure> {
    package let node: Node
    /// The dotted path, e.g. `phases[1].at` (empty for the document root).
    package let path: String
    package let file: String

    /// The field at `path` of `file`, held by `node`.
    package init(node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    /// The root of the YAML document `text`, nil when the document is empty.
    ///
    /// - Throws: `Failure.syntax` at the line of the first YAML error.
    package static func root(of text: String, file: String) throws(Failure) -> YAMLNodeField? {
        // Composing recurses once per level: bound the depth first, so a hostile file cannot overflow the stack.
        if let excess = YAMLNestingLimit.firstExcess(in: text) {
            throw .syntax(
                file: file,
                line: excess.line,
                reason:
                    "nesting deeper than \(YAMLNestingLimit.maximumDepth) levels (\(excess.depth) here) is not accepted"
            )
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw .syntax(file: file, line: mark.line, reason: problem)
            default:
                throw .syntax(file: file, line: 1, reason: "\(error)")
            }
        } catch {
            throw .syntax(file: file, line: 1, reason: "\(error)")
        }
        return node.map { YAMLNodeField(node: $0, path: "", file: file) }
    }

    /// An error about this field.
    package func invalid(_ reason: String) -> Failure {
        .invalid(file: file, line: node.mark?.line ?? 1, field: path.isEmpty ? "(document)" : path, reason: reason)
    }

    /// The field as a mapping whose keys must all be in `allowed`.
    ///
    /// - Throws: `Failure.invalid` when it is no mapping, a key is not a string, or a key is unknown.
    package func mapping(allowed: Set<String>) throws(Failure) -> YAMLNodeMapping<Failure> {
        guard let mapping = node.mapping else { throw invalid("expected a mapping") }
        var entries: [String: YAMLNodeField<Failure>] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw invalid("keys must be strings") }
            let child = YAMLNodeField(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file)
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw YAMLNodeField(node: key, path: child.path, file: file).invalid("unknown key (known: \(known))")
            }
            guard entries[name] == nil else { throw child.invalid("duplicate key") }
            entries[name] = child
        }
        return YAMLNodeMapping(field: self, entries: entries)
    }

    /// The field's elements, as fields `path[i]`.
    package func sequence() throws(Failure) -> [YAMLNodeField<Failure>] {
        guard let sequence = node.sequence else { throw invalid("expected a list") }
        return sequence.enumerated().map { YAMLNodeField(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// A non-empty string.
    package func string() throws(Failure) -> String {
        guard let text = node.scalar?.string, !text.isEmpty else { throw invalid("expected a non-empty string") }
        return text
    }

    /// A finite number in `range`.
    package func double(in range: ClosedRange<Double>, _ expectation: String) throws(Failure) -> Double {
        guard let value = node.float, value.isFinite, range.contains(value) else {
            throw invalid("expected \(expectation)")
        }
        return value
    }

    /// An integer in `range`.
    package func int(in range: ClosedRange<Int>, _ expectation: String) throws(Failure) -> Int {
        guard let value = node.int, range.contains(value) else { throw invalid("expected \(expectation)") }
        return value
    }

    /// `true` or `false`.
    package func bool() throws(Failure) -> Bool {
        guard let value = node.bool else { throw invalid("expected true or false") }
        return value
    }
}

/// A mapping's known entries, by key.
package struct YAMLNodeMapping<Failure: YAMLFieldFailure> {
    package let field: YAMLNodeField<Failure>
    package let entries: [String: YAMLNodeField<Failure>]

    /// The entries of the mapping `field`.
    package init(field: YAMLNodeField<Failure>, entries: [String: YAMLNodeField<Failure>]) {
        self.field = field
        self.entries = entries
    }

    /// The entry for `key`, if present.
    package subscript(key: String) -> YAMLNodeField<Failure>? { entries[key] }

    /// The entry for `key`.
    ///
    /// - Throws: `Failure.invalid` naming the missing key at the mapping's line.
    package func required(_ key: String) throws(Failure) -> YAMLNodeField<Failure> {
        guard let entry = entries[key] else {
            let path = field.path.isEmpty ? key : "\(field.path).\(key)"
            throw YAMLNodeField(node: field.node, path: path, file: field.file).invalid("required key is missing")
        }
        return entry
    }
}
