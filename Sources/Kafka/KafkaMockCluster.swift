import CRdKafka

/// librdkafka's built-in mock cluster: a real Kafka wire-protocol broker on loopback,
/// for development, tests and the demo. Other processes (kcat, a separate gateway)
/// can reach it at `bootstrapServers` for as long as this object lives.
package final class KafkaMockCluster: Sendable {
    package let bootstrapServers: String
    // The mock cluster runs on librdkafka's own threads; topic creation is
    // thread-safe and the pointers are destroyed once, in `deinit`.
    private nonisolated(unsafe) let cluster: OpaquePointer
    private nonisolated(unsafe) let owner: OpaquePointer

    package init(brokers: Int = 1) throws {
        let conf = try RdKafka.makeConf(["log_level": "3"])
        owner = try RdKafka.makeHandle(RD_KAFKA_PRODUCER, conf: conf)
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError.configuration("could not start the mock cluster")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    package func createTopic(_ name: String, partitions: Int) throws {
        let error = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(error, context: "create topic \(name)")
        }
    }
}
