/// Facts about the librdkafka the process actually loaded (which may differ from the headers it was built
/// against when `LD_LIBRARY_PATH` points at another build).
public enum KafkaLibrary {
    /// The loaded librdkafka version, e.g. `2.0.2`.
    public static var version: String { RDKafkaVersion.string }

    /// The loaded version as (major, minor, patch).
    public static var versionNumbers: (major: Int, minor: Int, patch: Int) {
        let number = RDKafkaVersion.number
        return (number >> 24 & 0xFF, number >> 16 & 0xFF, number >> 8 & 0xFF)
    }
}
