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

/// Records what the start-offset provider was asked.
actor AskedPartitions {
    var partitions: [KafkaTopicPartition] = []

    func record(_ more: [KafkaTopicPartition]) {
        partitions += more
    }
}
