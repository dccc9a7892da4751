import ConsRouteKafka
import KafkaTestSupport

/// The shared scenarios on a fresh mock cluster, which must stay alive while they run.
func mockScenarios(brokers: Int = 1) throws -> (KafkaMockCluster, KafkaScenarios) {
    let cluster = try KafkaMockCluster(brokerCount: brokers)
    let scenarios = KafkaScenarios(client: cluster.clientConfiguration) { name, partitions in
        try cluster.createTopic(name, partitions: partitions)
    }
    return (cluster, scenarios)
}

/// A fresh mock cluster (keep it alive while the consumer runs) with a one-partition topic holding `count` records,
/// and a consumer of it in a group of its own. Returns the cluster, the topic's name and the consumer.
func consumerOfFreshTopic(_ name: String, records count: Int) async throws
    -> (KafkaMockCluster, String, KafkaConsumer)
{
    let cluster = try KafkaMockCluster()
    let topic = uniqueName(name)
    try cluster.createTopic(topic, partitions: 1)
    try await produceAll(records(topic: topic, count: count), to: cluster.clientConfiguration)
    let consumer = try KafkaConsumer(
        configuration: consumerConfiguration(cluster.clientConfiguration, group: uniqueName("g"), topic: topic)
    )
    return (cluster, topic, consumer)
}

/// Records what the start-offset provider was asked.
actor AskedPartitions {
    var partitions: [KafkaTopicPartition] = []

    func record(_ more: [KafkaTopicPartition]) {
        partitions += more
    }
}
