import Foundation
import GatewayCore
import GatewayModel
import HoTichAdapter
import Kafka
import Logging

/// A registration handed to the civil registry whose result is awaited.
struct RegistryWatchEntry: Codable, Sendable, Equatable {
    var dossierCode: String
    /// `LTKS`, `LTKT` or `LTKH`: the poll asks by module.
    var module: String
    var interconnectCode: String?
    /// The `dossier.events` partition the registration came from: the entry follows it.
    var sourceTopic: String
    var sourcePartition: Int32
    /// When the registration was first seen delivered.
    var since: String
    /// The last `trangThai` published on the inbound topic, if any.
    var lastState: Int?
    /// When a final state (result issued, refused) was published; the entry is then kept, not
    /// polled, so that a registration sent again is not watched again, and dropped later.
    var finishedAt: String?
    /// Where this dossier's answers go on the inbound topic, and the offset at or after which
    /// any answer of it not yet recorded here would be.
    var inboundPartition: Int32
    var scanFrom: Int64

    var sourcePartitionID: PartitionID { PartitionID(topic: sourceTopic, partition: sourcePartition) }
    var isFinished: Bool { finishedAt != nil }
}

/// The registrations under watch, on the compacted `gateway.watched` topic: key the dossier
/// code, value a `RegistryWatchEntry`. Like the delivery marks, an entry is written to the
/// partition with its source partition's number (modulo the topic's partition count), so the
/// instance assigned a `dossier.events` partition restores its watch by reading only the
/// matching partition, before the partition's events are let through, and polls only those.
///
/// A registration is watched when its `NhanDKHT` delivery reaches the registry (delivered or
/// already there), before the delivery is marked; so a crash in between delivers it again
/// and watches it then.
///
/// Nothing is published twice: an answer is published before the entry records it, and on
/// restore each inbound partition is read from its entries' `scanFrom` to its end, so an
/// answer published just before a crash is found there and recorded instead of published again.
package actor KafkaRegistryWatch: DeliveryFollowUp, PartitionFollower {
    private let producer: KafkaProducer
    private let configuration: KafkaConfiguration
    package let watchTopic: String
    private let watchPartitions: Int
    /// Where the registry's answers go.
    let inbound: InboundTopic
    /// How long a finished entry is kept before it is dropped from the topic.
    private let finishedRetention: Duration
    /// The modules whose registrations are watched.
    private let modules: Set<String>
    private let fatal: FatalCondition
    private let metrics: GatewayMetrics
    private let logger: Logger
    private var entries: [PartitionID: [String: RegistryWatchEntry]] = [:]
    /// Answers being published, per source partition: a revocation waits for them, so that the
    /// next owner's restore finds every answer this instance published.
    private var publishing: [PartitionID: Int] = [:]
    private var publishingEnded: [CheckedContinuation<Void, Never>] = []

    init(
        producer: KafkaProducer, configuration: KafkaConfiguration, watchTopic: String, watchPartitions: Int, inbound: InboundTopic,
        finishedRetention: Duration, modules: Set<String> = ["LTKS", "LTKT", "LTKH"], fatal: FatalCondition, metrics: GatewayMetrics, logger: Logger
    ) {
        self.modules = modules
        self.producer = producer
        self.configuration = configuration
        self.watchTopic = watchTopic
        self.watchPartitions = max(1, watchPartitions)
        self.inbound = inbound
        self.finishedRetention = finishedRetention
        self.fatal = fatal
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Registrations reaching the registry

    /// Every delivery that reaches its target comes here: all but civil-status registrations are
    /// let through without a hop onto this actor.
    package nonisolated func reached(_ delivery: Delivery) async -> Bool {
        guard delivery.target == HoTichAdapter.target, delivery.operations.contains(HoTichAdapter.receive),
              let module = HoTichSystem.module(of: delivery.event), modules.contains(module) else { return true }
        return await watch(delivery, module: module)
    }

    private func watch(_ delivery: Delivery, module: String) async -> Bool {
        let source = delivery.origin.partitionID, dossier = delivery.event.dossierCode
        guard entries[source]?[dossier] == nil else { return true }
        let inboundPartition = inboundPartition(of: source)
        // Like every durable effect of a delivery, asked again until known or the gateway stops.
        guard let scanFrom = await inbound.end(of: inboundPartition) else { return false }
        let entry = RegistryWatchEntry(
            dossierCode: dossier, module: module, interconnectCode: delivery.event.data.civilStatus?.interconnectCode ?? delivery.event.data.interconnect?.dossierNumber,
            sourceTopic: source.topic, sourcePartition: source.partition, since: VietnamTime.rfc3339(Date()), lastState: nil, finishedAt: nil,
            inboundPartition: inboundPartition, scanFrom: scanFrom
        )
        guard await write(entry) else { return false }
        // Polled here only while the partition is this instance's; its next owner reads it from the topic.
        entries[source]?[dossier] = entry
        metrics.registryWatched.increment()
        logger.info("registration watched for its result", metadata: [LogKey.dossier: "\(dossier)", "module": "\(module)"])
        return true
    }

    // MARK: What the poller reads and records

    /// The registrations to poll: those of the assigned partitions not yet final.
    func pending() -> [RegistryWatchEntry] {
        entries.values.flatMap { $0.values.filter { !$0.isFinished } }.sorted { $0.since < $1.since }
    }

    /// How many registrations are watched and not yet final.
    var pendingCount: Int { entries.values.reduce(0) { $0 + $1.values.count { !$0.isFinished } } }

    func entry(_ dossier: String, in source: PartitionID) -> RegistryWatchEntry? { entries[source]?[dossier] }

    /// The entry of `dossier` if this instance still watches it; while it is held, a revocation
    /// of its partition waits for `endPublishing`.
    func beginPublishing(_ dossier: String, in source: PartitionID) -> RegistryWatchEntry? {
        guard let entry = entries[source]?[dossier] else { return nil }
        publishing[source, default: 0] += 1
        return entry
    }

    func endPublishing(_ source: PartitionID) {
        publishing[source, default: 1] -= 1
        if publishing[source] == 0 { publishing[source] = nil }
        let waiting = publishingEnded
        publishingEnded = []
        for continuation in waiting { continuation.resume() }
    }

    /// Records that `state` of the registration was published at `offset`; false when the
    /// gateway stopped first, or the partition moved to another instance meanwhile.
    func record(_ state: Int, final: Bool, publishedAt offset: Int64, of dossier: String, in source: PartitionID) async -> Bool {
        guard var entry = entries[source]?[dossier] else { return false }
        entry.lastState = state
        entry.scanFrom = offset + 1
        if final { entry.finishedAt = VietnamTime.rfc3339(Date()) }
        guard await write(entry) else { return false }
        guard entries[source]?[dossier] != nil else { return false }
        entries[source]?[dossier] = entry
        return true
    }

    /// Drops finished entries older than the retention from the topic and from memory.
    func dropExpired(now: Date = Date()) async {
        let horizon = now.addingTimeInterval(-Double(finishedRetention.components.seconds))
        for (source, table) in entries {
            for entry in table.values {
                guard let finished = entry.finishedAt.flatMap(VietnamTime.parseRFC3339), finished < horizon else { continue }
                let tombstone = KafkaProducerMessage(topic: watchTopic, key: entry.dossierCode, value: nil, partition: watchPartition(of: source))
                guard await producer.sendDurably(tombstone, what: "registry watch", fatal: fatal, metrics: metrics, logger: logger) != nil else { return }
                entries[source]?[entry.dossierCode] = nil
            }
        }
    }

    // MARK: Partitions

    /// Reads the watch of `partitions` to its end, then reads each inbound partition from its
    /// entries' `scanFrom` so that answers published before a crash but not yet recorded are
    /// recorded, not published again. Fails rather than let polling start half-informed.
    func restore(_ partitions: [PartitionID]) async throws {
        try await producer.confirmPartitionCount(of: watchTopic, expected: watchPartitions, fatal: fatal)
        let wanted = Set(partitions)
        let sources = Set(partitions.map { watchPartition(of: $0) }).sorted().map { KafkaTopicPartition(topic: watchTopic, partition: $0) }
        guard !sources.isEmpty else { return }
        var restored: [PartitionID: [String: RegistryWatchEntry]] = [:]
        do {
            try await readToEnd(sources, configuration: configuration, producer: producer, timeout: .seconds(30), logger: logger) { message in
                guard let key = message.keyText else { return }
                if message.isTombstone {
                    for source in restored.keys { restored[source]?[key] = nil }
                    return
                }
                guard let entry = try? JSONCoding.decoder.decode(RegistryWatchEntry.self, from: Data(message.value)),
                      wanted.contains(entry.sourcePartitionID) else { return }
                restored[entry.sourcePartitionID, default: [:]][key] = entry
            }
        } catch {
            throw ConfigurationError("registry watch topic \(watchTopic): \(error)")
        }
        let recovered = try await recoverPublished(&restored)
        for partition in partitions { entries[partition] = restored[partition] ?? [:] }
        let watched = restored.values.reduce(0) { $0 + $1.count }
        logger.info("registry watch restored", metadata: ["partitions": "\(partitions.count)", "registrations": "\(watched)", "answersRecovered": "\(recovered)"])
    }

    /// Answers on the inbound topic past the entries' `scanFrom` were published and not recorded:
    /// records them now (the latest per dossier wins).
    private func recoverPublished(_ restored: inout [PartitionID: [String: RegistryWatchEntry]]) async throws -> Int {
        var starts: [Int32: Int64] = [:]
        var located: [String: PartitionID] = [:]
        for (source, table) in restored {
            for entry in table.values where !entry.isFinished {
                starts[entry.inboundPartition] = min(starts[entry.inboundPartition] ?? .max, entry.scanFrom)
                located[entry.dossierCode] = source
            }
        }
        var found: [String: (state: Int, offset: Int64)] = [:]
        do {
            try await inbound.identities(from: starts) { envelope, key, offset in
                guard let key, let source = located[key], let entry = restored[source]?[key], offset >= entry.scanFrom,
                      let said = RegistryAnswer.parse(eventID: envelope.id), said.dossierCode == key else { return }
                found[key] = (said.trangThai, offset)
            }
        } catch {
            throw ConfigurationError("inbound topic \(inbound.name): \(error)")
        }
        for (dossier, answer) in found {
            guard let source = located[dossier], var entry = restored[source]?[dossier] else { continue }
            entry.lastState = answer.state
            entry.scanFrom = answer.offset + 1
            if RegistryState(rawValue: answer.state)?.isFinal == true { entry.finishedAt = VietnamTime.rfc3339(Date()) }
            guard await write(entry) else { throw ConfigurationError("registry watch topic \(watchTopic): the gateway stopped") }
            restored[source]?[dossier] = entry
            logger.notice("registry answer found published before a restart; recorded, not published again", metadata: [LogKey.dossier: "\(dossier)", "trangThai": "\(answer.state)"])
        }
        return found.count
    }

    /// Forgets partitions that moved to another instance, once the answers being published for them are.
    func forget(_ partitions: Set<PartitionID>) async {
        for partition in partitions { entries[partition] = nil }
        while partitions.contains(where: { publishing[$0] != nil }) {
            await withCheckedContinuation { publishingEnded.append($0) }
        }
    }

    // MARK: Writing

    private func write(_ entry: RegistryWatchEntry) async -> Bool {
        let message = KafkaProducerMessage(
            topic: watchTopic, key: entry.dossierCode, value: Array(try! JSONCoding.encoder.encode(entry)), partition: watchPartition(of: entry.sourcePartitionID)
        )
        return await producer.sendDurably(message, what: "registry watch", fatal: fatal, metrics: metrics, logger: logger) != nil
    }


    private func watchPartition(of source: PartitionID) -> Int32 { Int32(Int(source.partition) % watchPartitions) }

    /// A dossier's answers go to the inbound partition with its source partition's number
    /// (modulo): every answer of one dossier lands on one partition, in order.
    func inboundPartition(of source: PartitionID) -> Int32 { Int32(Int(source.partition) % max(1, inbound.partitions)) }
}
