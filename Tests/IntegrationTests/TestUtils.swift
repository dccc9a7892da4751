import ConsRouteKafka
import Foundation

/// Why the integration tests cannot run; they fail with this instead of skipping.
struct IntegrationSetupError: Error, CustomStringConvertible {
    let description: String
}

/// The real broker under test, from `CONSROUTE_TEST_BROKER` (`host:port`), set by `scripts/integration-tests.sh`.
///
/// - Throws: `IntegrationSetupError` when the variable is missing or the loaded librdkafka is too old for Tansu.
func testBroker() throws -> KafkaConfiguration {
    let environment = ProcessInfo.processInfo.environment
    guard let broker = environment["CONSROUTE_TEST_BROKER"], !broker.isEmpty else {
        throw IntegrationSetupError(
            description: """
                CONSROUTE_TEST_BROKER is not set: these tests need a real Kafka-compatible broker. \
                Run scripts/integration-tests.sh, which starts Tansu on loopback and sets it (and LD_LIBRARY_PATH).
                """
        )
    }
    let loaded = KafkaLibrary.versionNumbers
    guard (loaded.major, loaded.minor) >= (2, 1) else {
        throw IntegrationSetupError(
            description: """
                librdkafka \(KafkaLibrary.version) is loaded, which cannot parse Tansu's ApiVersions reply; \
                put the 2.x library from confluent-kafka first on LD_LIBRARY_PATH (eval "$(scripts/tansu.sh env)").
                """
        )
    }
    return KafkaConfiguration(bootstrapServers: broker, clientID: "consroute-integration")
}

/// The second real broker, from `CONSROUTE_TEST_BROKER_S3`: Tansu keeping each record batch as an object in a local
/// S3 server (`TANSU_ENGINE=s3 scripts/tansu.sh start`, run by `scripts/integration-tests.sh`), whose log start a
/// test can move as retention would (`moveLogStart`).
func testObjectStoreBroker() throws -> KafkaConfiguration {
    guard let broker = ProcessInfo.processInfo.environment["CONSROUTE_TEST_BROKER_S3"], !broker.isEmpty else {
        throw IntegrationSetupError(
            description: """
                CONSROUTE_TEST_BROKER_S3 is not set: this test needs Tansu on its s3 engine. Run \
                scripts/integration-tests.sh, which starts it on loopback next to the memory-engine broker.
                """
        )
    }
    _ = try testBroker()  // the librdkafka check
    return KafkaConfiguration(bootstrapServers: broker, clientID: "consroute-integration")
}

/// Deletes the batches of `topic`'s `partition` below `offset` on the s3-engine broker and sets the partition's low
/// watermark to `offset`, as retention does (`scripts/tansu.sh truncate`; a batch must start at `offset`).
func moveLogStart(topic: String, partition: Int32, to offset: Int64) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
        root.appendingPathComponent("scripts/tansu.sh").path, "truncate", topic, "\(partition)", "\(offset)",
    ]
    var environment = ProcessInfo.processInfo.environment
    environment["TANSU_ENGINE"] = "s3"
    process.environment = environment
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw IntegrationSetupError(description: "scripts/tansu.sh truncate \(topic) \(partition) \(offset) failed")
    }
}
