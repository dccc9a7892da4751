/// One Kafka message header: a name and optional bytes. Names may repeat within a message.
public struct KafkaHeader: Hashable, Sendable {
    /// The header name.
    public var key: String
    /// The header bytes, `nil` for a header without a value.
    public var value: [UInt8]?

    /// Makes a header from bytes.
    ///
    /// - Parameters:
    ///   - key: The header name.
    ///   - value: The header bytes, or `nil` for a header without a value.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Makes a header whose value is the UTF-8 bytes of `value`.
    ///
    /// - Parameters:
    ///   - key: The header name.
    ///   - value: The text to store as UTF-8.
    public init(key: String, string value: String) {
        self.init(key: key, value: Array(value.utf8))
    }

    /// The value decoded as UTF-8, or `nil` if absent or not valid UTF-8.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the first header named `key`, if any.
    ///
    /// - Parameter key: The header name.
    public func first(named key: String) -> KafkaHeader? {
        first { $0.key == key }
    }
}
