/// Reads typed fields out of a JSON object, naming the full path of any field that is missing or wrong.
///
/// Numbers are parsed from their literal text straight into the target type (`Float(String)` is
/// correctly rounded), so a float written as its shortest decimal reads back bit for bit.
struct JSONObjectReader {
    let path: String
    let members: [String: JSONValue]

    init(_ value: JSONValue, path: String) throws(FieldError) {
        guard case .object(let members) = value else { throw FieldError(path: path, reason: "expected an object") }
        self.path = path
        self.members = members
    }

    func value(_ key: String) throws(FieldError) -> JSONValue {
        guard let value = members[key] else { throw FieldError(path: child(key), reason: "missing") }
        return value
    }

    func string(_ key: String) throws(FieldError) -> String {
        guard case .string(let text) = try value(key) else {
            throw FieldError(path: child(key), reason: "expected a string")
        }
        return text
    }

    func object(_ key: String) throws(FieldError) -> JSONObjectReader {
        try JSONObjectReader(value(key), path: child(key))
    }

    func array(_ key: String) throws(FieldError) -> [JSONValue] {
        guard case .array(let elements) = try value(key) else {
            throw FieldError(path: child(key), reason: "expected an array")
        }
        return elements
    }

    func float(_ key: String) throws(FieldError) -> Float {
        try Self.float(value(key), path: child(key))
    }

    func double(_ key: String) throws(FieldError) -> Double {
        try Self.double(value(key), path: child(key))
    }

    func floats(_ key: String) throws(FieldError) -> [Float] {
        var result: [Float] = []
        for (index, element) in try array(key).enumerated() {
            result.append(try Self.float(element, path: "\(child(key))[\(index)]"))
        }
        return result
    }

    func doubles(_ key: String) throws(FieldError) -> [Double] {
        var result: [Double] = []
        for (index, element) in try array(key).enumerated() {
            result.append(try Self.double(element, path: "\(child(key))[\(index)]"))
        }
        return result
    }

    func integer<I: FixedWidthInteger>(_ key: String, as type: I.Type = I.self) throws(FieldError) -> I {
        guard case .number(let literal) = try value(key), let parsed = I(literal) else {
            throw FieldError(path: child(key), reason: "expected an integer in \(I.min)...\(I.max)")
        }
        return parsed
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func float(_ value: JSONValue, path: String) throws(FieldError) -> Float {
        guard case .number(let literal) = value, let parsed = Float(literal), parsed.isFinite else {
            throw FieldError(path: path, reason: "expected a finite number")
        }
        return parsed
    }

    static func double(_ value: JSONValue, path: String) throws(FieldError) -> Double {
        guard case .number(let literal) = value, let parsed = Double(literal), parsed.isFinite else {
            throw FieldError(path: path, reason: "expected a finite number")
        }
        return parsed
    }

    /// A field that is missing or not what it must be.
    struct FieldError: Error {
        let path: String
        let reason: String
    }
}
