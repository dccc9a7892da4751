/// Why bytes are not a valid table or envelope, naming the field at fault.
public struct TableFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted path of the field at fault (`table.clusters[2].centroid`), or "" for the whole document.
    public let field: String
    /// What is wrong with it.
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}
