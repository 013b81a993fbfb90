import Kafka
import Logging

extension KafkaProducer {
    /// Sends a small state record (parking, delivery marks) until Kafka acknowledges it.
    /// A refusal means the topic refuses the gateway's state: that cannot be skipped, so it
    /// raises the fatal condition. Returns false when the gateway stops first.
    func sendDurably(_ message: KafkaProducerMessage, what: String, fatal: FatalCondition, logger: Logger) async -> Bool {
        while !Task.isCancelled {
            do {
                _ = try await send(message)
                return true
            } catch let error as KafkaError where error.isShutdown {
                return false
            } catch let error as KafkaError where error.isFatal || error.isPermanentForRecord {
                fatal.raise("topic \(message.topic) refuses the \(what): \(error.message)")
                return false
            } catch {
                logger.warning("\(what) not yet durable, retrying", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return false
    }
}
