import Foundation
import GatewayModel
import Kafka
import Logging

/// Reads `partitions` of one topic from their beginning (or from `starts`, by partition number)
/// to the ends they had when called, and hands each record to `apply` in offset order per
/// partition. The ends are asked through `producer`, which never long-polls. Fails rather than
/// return half of the topic.
func readToEnd(
    _ partitions: [KafkaTopicPartition], from starts: [Int32: Int64] = [:], configuration: KafkaConfiguration, producer: KafkaProducer, timeout: Duration,
    logger: Logger, apply: (KafkaConsumerMessage) throws -> Void
) async throws {
    guard let topic = partitions.first?.topic else { return }
    var remaining = try await producer.endsToRead(partitions, timeout: timeout)
    for (partition, start) in starts where start >= remaining[partition] ?? 0 { remaining[partition] = nil }
    guard !remaining.isEmpty else { return }
    var reading = KafkaConsumerConfiguration(configuration, subscription: .partitions(partitions.filter { remaining[$0.partition] != nil }))
    reading.reportsEndOfPartition = true
    reading.startOffsets = starts
    let reader = try KafkaConsumer(configuration: reading, logger: logger)
    do {
        let deadline = ContinuousClock.now + timeout
        let timer = Task {
            try? await Task.sleep(until: deadline)
            await reader.close()
        }
        defer { timer.cancel() }
        var events = reader.events.makeAsyncIterator()
        while !remaining.isEmpty, let event = await events.next() {
            switch event {
            case .message(let message):
                if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
                try apply(message)
            case .endOfPartition(let partition, let offset):
                if let end = remaining[partition.partition], offset >= end { remaining[partition.partition] = nil }
            case .partitionsAssigned, .partitionsRevoked:
                break
            }
        }
        guard remaining.isEmpty else { throw ConfigurationError("topic \(topic) could not be read to its end in \(timeout)") }
    } catch {
        await reader.close()
        throw error
    }
    await reader.close()
}
