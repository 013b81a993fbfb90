import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Parking state on the compacted `gateway.parked` topic: key `target/dossier`, value the
/// `ParkedDossier` JSON, a tombstone when released. Every instance reads the whole topic
/// (parked dossiers are few) and keeps reading it, so whichever instance is assigned a
/// partition already knows what is parked there. Its own writes count at once; the older
/// records the reader brings after them do not undo them. `catchUp()` waits until it has read
/// everything written before it was called, and fails rather than let delivery go on
/// with parking state half read.
package actor KafkaParkingLot: ParkingLot, Service {
    private let producer: KafkaProducer
    private let reader: KafkaConsumer
    private let topic: String
    private let partitions: [KafkaTopicPartition]
    private let fatal: FatalCondition
    private let metrics: GatewayMetrics
    private let logger: Logger
    /// What is parked, by key. Every delivery looks here, twice, so the look-up takes a lock
    /// instead of a hop onto this actor; only this actor changes it.
    private let entries = Mutex<[String: ParkedDossier]>([:])
    /// Per key, the offset of the record this instance wrote last, until the reader reaches
    /// it: what the reader brings before it is older than what is known here.
    private var written: [String: Int64] = [:]
    /// Per partition of the topic, how far it is known to be read: one past the last record
    /// applied, or the end reported by the reader, whichever is further.
    private var positions: [Int32: Int64] = [:]
    /// Callers of `catchUp`, resumed whenever a position moves.
    private var progress = Waiters()

    init(producer: KafkaProducer, configuration: KafkaConfiguration, topic: String, partitionCount: Int, fatal: FatalCondition, metrics: GatewayMetrics = GatewayMetrics(), logger: Logger) throws {
        self.producer = producer
        self.fatal = fatal
        self.metrics = metrics
        self.topic = topic
        self.logger = logger
        self.partitions = (0..<partitionCount).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        var reading = KafkaConsumerConfiguration(configuration, subscription: .partitions(partitions))
        reading.reportsEndOfPartition = true
        self.reader = try KafkaConsumer(configuration: reading, logger: logger)
    }

    /// Reads the topic until graceful shutdown or cancellation, then closes the reader.
    package func run() async {
        let events = reader.events
        await cancelWhenGracefulShutdown {
            for await event in events {
                switch event {
                case .message(let message): await self.apply(message)
                case .endOfPartition(let partition, let offset): await self.reached(partition.partition, offset)
                case .partitionsAssigned, .partitionsRevoked: break
                }
            }
        }
        await reader.close()
    }

    private func reached(_ partition: Int32, _ offset: Int64) {
        positions[partition] = max(positions[partition] ?? 0, offset)
        progress.resumeAll()
    }

    private func apply(_ message: KafkaConsumerMessage) {
        positions[message.partition] = max(positions[message.partition] ?? 0, message.offset + 1)
        progress.resumeAll()
        guard let key = message.keyText else { return }
        if let own = written[key] {
            guard message.offset >= own else { return }
            written[key] = nil
            if message.offset == own { return }
        }
        if message.isTombstone {
            entries.withLock { $0[key] = nil }
        } else if let entry = try? JSONCoding.decoder.decode(ParkedDossier.self, from: Data(message.value)) {
            entries.withLock { $0[key] = entry }
        } else {
            logger.warning("unreadable parking record ignored", metadata: ["key": "\(key)", "offset": "\(message.offset)"])
        }
    }

    /// Returns once every record written to the topic before the call has been read. The
    /// high watermarks are asked for all at once; a partition emptied by retention counts as
    /// read when its low and high watermarks meet or the reader reports its end.
    package func catchUp(timeout: Duration = .seconds(30)) async throws {
        try await producer.confirmPartitionCount(of: topic, expected: partitions.count, fatal: fatal)
        let targets = try await producer.endsToRead(partitions, timeout: timeout)
        let read = await finishes(within: timeout) { await self.waitUntilRead(to: targets) }
        guard read || hasRead(to: targets) else {
            throw ConfigurationError("parking topic \(topic) could not be read to its end in \(timeout)")
        }
    }

    private func hasRead(to ends: [Int32: Int64]) -> Bool {
        !ends.contains { (positions[$0.key] ?? 0) < $0.value }
    }

    /// Returns once every partition is read to its end in `ends`, or when the calling task is cancelled.
    private func waitUntilRead(to ends: [Int32: Int64]) async {
        while !hasRead(to: ends), !Task.isCancelled {
            let id = progress.nextID()
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    // Checked again here, in the same turn as the registration, so no update is missed.
                    if hasRead(to: ends) || Task.isCancelled { continuation.resume() } else { progress.add(continuation, id: id) }
                }
            } onCancel: {
                Task { await self.stopWaiting(id) }
            }
        }
    }

    private func stopWaiting(_ id: Int) { progress.resume(id) }

    package nonisolated func parked(_ dossierCode: String, target: TargetName) -> ParkedDossier? {
        // Most of the time nothing is parked: no key is built for that.
        entries.withLock { entries in entries.isEmpty ? nil : entries[ParkedDossier.key(dossierCode, target)] }
    }

    package func park(_ entry: ParkedDossier) async -> Bool {
        let value = Array(try! JSONCoding.encoder.encode(entry))
        guard let report = await send(KafkaProducerMessage(topic: topic, key: entry.key, value: value)) else { return false }
        entries.withLock { $0[entry.key] = entry }
        written[entry.key] = report.offset
        return true
    }

    /// Lets the dossier's next deliveries to `target` go out again.
    package func release(_ dossierCode: String, target: TargetName) async -> Bool {
        let key = ParkedDossier.key(dossierCode, target)
        guard let report = await send(KafkaProducerMessage(topic: topic, key: key, value: nil)) else { return false }
        entries.withLock { $0[key] = nil }
        written[key] = report.offset
        return true
    }

    package nonisolated var all: [ParkedDossier] { entries.withLock { $0.values.sorted { $0.key < $1.key } } }

    private func send(_ message: KafkaProducerMessage) async -> KafkaDeliveryReport? {
        await producer.sendDurably(message, what: "parking record", fatal: fatal, metrics: metrics, logger: logger)
    }
}
