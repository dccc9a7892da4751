/// Why an event file could not be written or read. Read errors name the line (JSON lines) or the record index
/// (length-delimited protobuf) and the field at fault.
public enum EventFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extension names no known format.
    case unknownFormat(file: String)
    /// The file could not be opened, read or written.
    case io(file: String, reason: String)
    /// The file holds no event.
    case empty(file: String)
    /// A JSON line is not a valid event (`reason` names the field).
    case badLine(file: String, line: Int, reason: String)
    /// A protobuf record (0-based index) is not a valid event, or the file ends inside it.
    case badRecord(file: String, index: Int, reason: String)
    /// A protobuf record's length prefix is broken or over the limit: the records after it cannot be found.
    case badFraming(file: String, index: Int, reason: String)

    /// Whether the error is about the file (it cannot be opened or read, or its records cannot be found), not the
    /// content of one record.
    public var isFraming: Bool {
        switch self {
        case .unknownFormat, .io, .empty, .badFraming: true
        case .badLine, .badRecord: false
        }
    }

    /// The message, naming the file and the place at fault.
    public var description: String {
        switch self {
        case .unknownFormat(let file):
            "\(file): unknown event file format (use .jsonl for JSON lines, .pb or .bin for length-delimited protobuf)"
        case .io(let file, let reason): "\(file): \(reason)"
        case .empty(let file): "\(file): the file holds no event"
        case .badLine(let file, let line, let reason): "\(file):\(line): \(reason)"
        case .badRecord(let file, let index, let reason), .badFraming(let file, let index, let reason):
            "\(file): record \(index): \(reason)"
        }
    }
}
