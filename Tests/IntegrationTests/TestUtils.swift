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
