import CRdKafka
import Foundation

/// The producer's poll thread: serves delivery reports until stopped, then fails what is left so no sender
/// waits forever.
enum RDKafkaProducerLoop {
    /// Creates a producer handle with the delivery-report callback installed.
    ///
    /// - Parameter properties: librdkafka properties of the producer.
    /// - Throws: `KafkaError.invalidConfiguration` naming the key, or `.clientCreationFailed`.
    static func makeClient(properties: [String: String]) throws -> RDKafkaClient {
        let configuration = try RDKafkaConfig(properties: properties)
        configuration.withPointer { rd_kafka_conf_set_dr_msg_cb($0, deliveryReportCallback) }
        return try RDKafkaClient(kind: .producer, configuration: configuration)
    }

    /// Starts the poll thread.
    ///
    /// - Parameters:
    ///   - client: The producer handle.
    ///   - admission: Reopened after every round of reports; closed when the thread stops.
    ///   - stopRequested: Set to make the thread stop.
    ///   - exited: Fired after the last report was served.
    static func start(
        client: RDKafkaClient,
        admission: ProducerAdmission,
        stopRequested: StopFlag,
        exited: CompletionSignal
    ) {
        let thread = Thread {
            while !stopRequested.isSet {
                if client.poll(timeout: 100) > 0 { admission.roomFreed() }
            }
            admission.close()
            while admission.hasActiveSenders {
                _ = client.poll(timeout: 10)
            }
            client.purgeOutstanding()
            var rounds = 0
            while client.outstandingCount > 0, rounds < 100 {
                _ = client.poll(timeout: 50)
                rounds += 1
            }
            _ = client.poll(timeout: 0)
            exited.fire()
        }
        thread.name = "consroute-kafka-producer"
        thread.start()
    }
}
