import GatewayCore
import GatewayModel
import Kafka

extension KafkaProducer {
    /// Checks that the state topic `topic` still has the `expected` partitions read at start.
    /// Partitions added while the gateway runs would go unread (parking) or move marks
    /// (delivery marks); the gateway then stops, to be restarted and read them all.
    func confirmPartitionCount(of topic: String, expected: Int, fatal: FatalCondition) async throws {
        let count = try await partitionCount(of: topic)
        guard count != expected else { return }
        let reason = "topic \(topic) now has \(count) partitions instead of \(expected): restart the gateway to read them all"
        fatal.raise(reason)
        throw ConfigurationError(reason)
    }
}
