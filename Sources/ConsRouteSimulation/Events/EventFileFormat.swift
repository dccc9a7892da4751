/// How a telemetry file stores events.
public enum EventFileFormat: String, Sendable, CaseIterable {
    /// One `QueryEvent` per line in the proto3 JSON mapping (`.jsonl`).
    case jsonLines = "jsonl"
    /// Each `QueryEvent` as protobuf bytes preceded by their length as a varint (`.pb`, `.bin`).
    case lengthDelimited = "pb"

    /// The format a file name's extension names: `.jsonl` / `.json` for JSON lines, `.pb` / `.bin` / `.ldpb` for
    /// length-delimited protobuf.
    ///
    /// - Throws: `EventFileError.unknownFormat` for any other extension.
    public init(path: String) throws(EventFileError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let suffix =
            name.split(separator: ".").count > 1 ? name.split(separator: ".").last.map { $0.lowercased() } : nil
        switch suffix {
        case "jsonl", "json": self = .jsonLines
        case "pb", "bin", "ldpb": self = .lengthDelimited
        default: throw .unknownFormat(file: path)
        }
    }
}
