import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging
import Synchronization

/// Delivery marks on the compacted `gateway.delivered` topic: key `target/dossier`, value the
/// source partition and offset of the dossier's latest event the target received, with what the
/// target's adapter keeps about the dossier (its memory). A mark is
/// written to the partition with the number of its source partition (modulo the topic's
/// partition count), so the instance assigned a partition restores its marks by reading only
/// the matching partition, before the partition's events are let through.
///
/// Only marks above the committed offset matter (nothing below it is read again), so those
/// below are dropped from memory as commits move on, unless they hold an adapter's memory; the
/// topic itself stays one record per key. A memory an adapter forgets is written without one,
/// so compaction drops it too. A memory kept as the dossier's last (`finished`) is held for
/// `finishedMemoryRetention`, then dropped from memory, and not restored once past it.
package final class KafkaDeliveryMarks: DeliveryMarks {
    private let producer: KafkaProducer
    private let configuration: KafkaConfiguration
    private let topic: String
    private let partitionCount: Int
    private let fatal: FatalCondition
    private let metrics: GatewayMetrics
    private let logger: Logger
    /// How long a finished memory is kept, in seconds.
    private let finishedMemoryRetention: TimeInterval
    /// When finished memories past their retention are next looked for.
    private let nextSweep = Mutex(Date.distantPast)
    /// Every delivery asks it whether the target has the event already, so it sits behind a
    /// lock rather than on an actor each delivery would hop onto. A dossier's deliveries to one
    /// target run one at a time, so its entry changes under one writer.
    private let table = Mutex(DeliveryMarkTable())

    /// The value of a mark record.
    struct Record: Codable {
        var topic: String
        var partition: Int32
        /// -1 when no event of the dossier was delivered yet, only a memory kept.
        var offset: Int64
        var eventId: String
        var memory: JSONValue?
        /// When `memory` was kept as the dossier's last, RFC 3339; absent while its life goes on.
        var memoryFinishedAt: String?
    }

    init(
        producer: KafkaProducer, configuration: KafkaConfiguration, topic: String, partitionCount: Int, fatal: FatalCondition,
        finishedMemoryRetention: Duration, metrics: GatewayMetrics = GatewayMetrics(), logger: Logger
    ) {
        self.finishedMemoryRetention = Double(finishedMemoryRetention.components.seconds)
        self.producer = producer
        self.configuration = configuration
        self.topic = topic
        self.partitionCount = partitionCount
        self.fatal = fatal
        self.metrics = metrics
        self.logger = logger
    }

    package func isDelivered(_ delivery: Delivery) -> Bool { table.withLock { $0.covers(delivery) } }

    package func markDelivered(_ delivery: Delivery) async -> Bool {
        let mark = DeliveryMark(delivery), partition = delivery.origin.partitionID
        let entry = table.withLock { $0.entry(mark, in: partition) }
        guard await write(delivery, offset: max(delivery.origin.offset, entry?.offset ?? -1), memory: entry?.memory, finishedAt: entry?.finishedAt, what: "delivery mark") else { return false }
        table.withLock { $0.record(delivery) }
        return true
    }

    package func memory(for delivery: Delivery) -> JSONValue? {
        // Read back from its text outside the lock, which every delivery's look-up takes.
        table.withLock { $0.entry(DeliveryMark(delivery), in: delivery.origin.partitionID) }?.memory
    }

    package func keep(_ memory: JSONValue?, finished: Bool, for delivery: Delivery) async -> Bool {
        let mark = DeliveryMark(delivery), partition = delivery.origin.partitionID
        let offset = table.withLock { $0.entry(mark, in: partition)?.offset ?? -1 }
        let finishedAt = finished && memory != nil ? Date() : nil
        guard await write(delivery, offset: offset, memory: memory, finishedAt: finishedAt, what: "dossier memory") else { return false }
        table.withLock { $0.set(memory, finishedAt: finishedAt, of: mark, in: partition) }
        return true
    }

    private func write(_ delivery: Delivery, offset: Int64, memory: JSONValue?, finishedAt: Date?, what: String) async -> Bool {
        let origin = delivery.origin
        let record = Record(
            topic: origin.topic, partition: origin.partition, offset: offset, eventId: delivery.event.id, memory: memory,
            memoryFinishedAt: finishedAt.map(VietnamTime.rfc3339)
        )
        let message = KafkaProducerMessage(
            topic: topic, key: DeliveryMark(delivery).key, value: try! StreamingJSONEncoder.encode(record), partition: markPartition(of: origin.partitionID)
        )
        return await producer.sendDurably(message, what: what, fatal: fatal, metrics: metrics, logger: logger) != nil
    }

    private func markPartition(of partition: PartitionID) -> Int32 {
        Int32(Int(partition.partition) % max(1, partitionCount))
    }

    /// Reads the marks of `partitions` from their topic partitions to the end, keeping those at
    /// or above `committed` (the offsets the partitions will be read again from, where known),
    /// and replaces what was known of those partitions with them; the first commit drops the
    /// others. Fails rather than let delivery start with marks half read: an event would then
    /// be sent again.
    func restore(_ partitions: [PartitionID], committed: [PartitionID: Int64] = [:], timeout: Duration = .seconds(30)) async throws {
        try await producer.confirmPartitionCount(of: topic, expected: partitionCount, fatal: fatal)
        let wanted = Set(partitions)
        let sources = Set(partitions.map { markPartition(of: $0) }).sorted().map { KafkaTopicPartition(topic: topic, partition: $0) }
        guard !sources.isEmpty else { return }
        var restored = DeliveryMarkTable()
        let horizon = Date() - finishedMemoryRetention
        do {
            try await readToEnd(sources, configuration: configuration, producer: producer, timeout: timeout, logger: logger) { message in
                guard let key = message.keyText, !message.isTombstone,
                      let record = try? JSONCoding.decoder.decode(Record.self, from: Data(message.value)),
                      let mark = Self.mark(key: key) else { return }
                let source = PartitionID(topic: record.topic, partition: record.partition)
                guard wanted.contains(source) else { return }
                if record.offset >= committed[source] ?? 0 { restored.raise(mark, in: source, to: record.offset) }
                // Each record holds its key's whole memory: a later one replaces an earlier. One
                // kept as the dossier's last and past its retention is not brought back.
                let finishedAt = record.memoryFinishedAt.flatMap(VietnamTime.parseRFC3339)
                let expired = finishedAt.map { $0 < horizon } ?? false
                restored.set(expired ? nil : record.memory, finishedAt: finishedAt, of: mark, in: source)
            }
        } catch {
            throw ConfigurationError("delivery marks topic \(topic): \(error)")
        }
        table.withLock { table in
            for partition in partitions { table.replace(partition, with: restored) }
        }
        logger.info("delivery marks restored", metadata: ["partitions": "\(partitions.count)", "marks": "\(restored.count)"])
    }

    /// Drops marks below the offsets committed (those events are never read again), and once a
    /// minute the finished memories past their retention.
    func committed(_ offsets: [PartitionID: Int64], now: Date = Date()) {
        let sweep = nextSweep.withLock { next in
            guard now >= next else { return false }
            next = now + 60
            return true
        }
        let forgotten = table.withLock { table in
            table.committed(offsets)
            return sweep ? table.forgetFinished(before: now - finishedMemoryRetention) : 0
        }
        if forgotten > 0 {
            logger.info("finished dossier memories forgotten after their retention", metadata: ["count": "\(forgotten)"])
        }
    }

    /// Forgets partitions that moved to another instance.
    func forget(_ partitions: Set<PartitionID>) { table.withLock { $0.forget(partitions) } }

    private static func mark(key: String) -> DeliveryMark? {
        guard let slash = key.firstIndex(of: "/") else { return nil }
        return DeliveryMark(target: TargetName(String(key[..<slash])), dossierCode: String(key[key.index(after: slash)...]))
    }
}
