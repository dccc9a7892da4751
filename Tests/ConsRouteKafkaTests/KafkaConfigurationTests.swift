import KafkaTestSupport
import Testing

@testable import ConsRouteKafka

@Suite("Configuration")
struct KafkaConfigurationTests {
    private let client = KafkaConfiguration(bootstrapServers: ["127.0.0.1:9"])

    @Test("no bootstrap server names bootstrap.servers")
    func emptyServers() {
        #expect(
            throws: KafkaError.invalidConfiguration(
                key: "bootstrap.servers",
                reason: "at least one host:port is required"
            )
        ) {
            _ = try KafkaProducer(configuration: .init(client: KafkaConfiguration(bootstrapServers: [])))
        }
        #expect(KafkaConfiguration(bootstrapServers: " a:1, ,b:2 ").bootstrapServers == ["a:1", "b:2"])
    }

    @Test("a value librdkafka rejects names the key and carries librdkafka's message")
    func invalidValue() {
        var configuration = consumerConfiguration(client, group: "g", topic: "t")
        configuration.client.additionalConfig = ["fetch.wait.max.ms": "soon"]
        #expect {
            _ = try KafkaConsumer(configuration: configuration)
        } throws: { error in
            guard case KafkaError.invalidConfiguration(let key, let reason) = error else { return false }
            return key == "fetch.wait.max.ms" && reason.contains("fetch.wait.max.ms") && "\(error)".contains(key)
        }
    }

    @Test("an unknown key is named")
    func unknownKey() {
        var configuration = KafkaProducerConfiguration(client: client)
        configuration.client.additionalConfig = ["no.such.property": "1"]
        #expect {
            _ = try KafkaProducer(configuration: configuration)
        } throws: { error in
            guard case KafkaError.invalidConfiguration("no.such.property", let reason) = error else { return false }
            return !reason.isEmpty
        }
    }

    @Test("keys the client manages cannot be overridden, but repeating their value is fine")
    func managedKeys() throws {
        var consumer = consumerConfiguration(client, group: "g", topic: "t")
        consumer.client.additionalConfig = ["enable.auto.commit": "true"]
        #expect {
            _ = try consumer.properties()
        } throws: { error in
            guard case KafkaError.invalidConfiguration("enable.auto.commit", _) = error else { return false }
            return "\(error)".contains("'enable.auto.commit'")
        }
        consumer.client.additionalConfig = ["enable.auto.commit": "false", "fetch.min.bytes": "10"]
        let properties = try consumer.properties()
        #expect(properties["fetch.min.bytes"] == "10")
        #expect(properties["enable.auto.offset.store"] == "false")
        #expect(properties["partition.assignment.strategy"] == "cooperative-sticky")

        var producer = KafkaProducerConfiguration(client: client)
        producer.client.additionalConfig = ["enable.idempotence": "false"]
        #expect {
            _ = try producer.properties()
        } throws: { error in
            guard case KafkaError.invalidConfiguration("enable.idempotence", _) = error else { return false }
            return true
        }
    }

    @Test("consumer fields are checked with the key named")
    func consumerFields() {
        let cases: [(KafkaConsumerConfiguration, String)] = [
            (consumerConfiguration(client, group: "", topic: "t"), "group.id"),
            (consumerConfiguration(client, group: "g", topic: ""), "topics"),
            (consumerConfiguration(client, group: "g", topic: "t", maxBatchSize: 0), "maxBatchSize"),
            (consumerConfiguration(client, group: "g", topic: "t", maxBufferedEvents: 0), "maxBufferedEvents"),
        ]
        for (configuration, key) in cases {
            #expect {
                _ = try KafkaConsumer(configuration: configuration)
            } throws: { error in
                guard case KafkaError.invalidConfiguration(key, _) = error else { return false }
                return true
            }
        }
    }

    @Test("typed fields map to librdkafka keys, and additionalConfig comes last")
    func knownProperties() throws {
        let configuration = KafkaProducerConfiguration(
            client: KafkaConfiguration(
                bootstrapServers: ["a:1", "b:2"],
                clientID: "controller-1",
                additionalConfig: ["linger.ms": "20", "compression.type": "zstd"]
            ),
            deliveryTimeout: .milliseconds(1500),
            maxQueuedMessages: 7
        )
        let properties = try configuration.properties()
        #expect(properties["bootstrap.servers"] == "a:1,b:2")
        #expect(properties["client.id"] == "controller-1")
        #expect(properties["message.timeout.ms"] == "1500")
        #expect(properties["queue.buffering.max.messages"] == "7")
        #expect(properties["linger.ms"] == "20")
        #expect(properties["compression.type"] == "zstd")
        #expect(properties["enable.idempotence"] == "true")
        #expect(properties["security.protocol"] == "plaintext")
    }

    @Test("security settings map to security.protocol, ssl.* and sasl.*")
    func securityProperties() {
        let tls = KafkaConfiguration.TLS(caLocation: "/ca.pem", certificateLocation: "/c.pem", keyLocation: "/k.pem")
        let sasl = KafkaConfiguration.SASL(mechanism: .scramSHA512, username: "u", password: "p")
        #expect(
            KafkaConfiguration.Security.tls(tls).properties == [
                "security.protocol": "ssl",
                "ssl.ca.location": "/ca.pem",
                "ssl.certificate.location": "/c.pem",
                "ssl.key.location": "/k.pem",
                "ssl.endpoint.identification.algorithm": "https",
            ]
        )
        #expect(
            KafkaConfiguration.Security.sasl(sasl, tls: nil).properties == [
                "security.protocol": "sasl_plaintext",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "sasl.username": "u",
                "sasl.password": "p",
            ]
        )
        let both = KafkaConfiguration.Security.sasl(sasl, tls: .init(verifiesHostname: false)).properties
        #expect(both["security.protocol"] == "sasl_ssl")
        #expect(both["ssl.endpoint.identification.algorithm"] == "none")
        #expect(both["sasl.mechanisms"] == "SCRAM-SHA-512")
    }

    @Test("a TLS setting librdkafka cannot use fails client creation with its reason")
    func unusableTLS() {
        var configuration = KafkaProducerConfiguration(client: client)
        configuration.client.security = .tls(.init(caLocation: "/nonexistent/ca.pem"))
        #expect {
            _ = try KafkaProducer(configuration: configuration)
        } throws: { error in
            guard case KafkaError.clientCreationFailed(let reason) = error else { return false }
            return reason.contains("ca.pem") || reason.contains("ssl")
        }
    }
}
