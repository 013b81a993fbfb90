import Kafka
import Logging

extension KafkaProducer {
    /// Sends a small state record (parking, delivery marks) until Kafka acknowledges it.
    /// A refusal means the topic refuses the gateway's state: that cannot be skipped, so it
    /// raises the fatal condition. Returns where it was written, or nil when the gateway stops first.
    @discardableResult
    func sendDurably(_ message: KafkaProducerMessage, what: String, fatal: FatalCondition, metrics: GatewayMetrics, logger: Logger) async -> KafkaDeliveryReport? {
        while !Task.isCancelled {
            do {
                return try await send(message)
            } catch let error as KafkaError where error.isShutdown {
                return nil
            } catch let error as KafkaError where error.isFatal || error.isPermanentForRecord {
                fatal.raise("topic \(message.topic) refuses the \(what): \(error.message)")
                return nil
            } catch {
                metrics.producerErrors.increment()
                logger.warning("\(what) not yet durable, retrying", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return nil
    }
}
