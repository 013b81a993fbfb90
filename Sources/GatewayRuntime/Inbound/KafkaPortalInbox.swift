import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging

/// Something more that follows the `dossier.events` partitions an instance is assigned: it
/// reads its state before the partitions' events are let through, and lets go when they move.
protocol PartitionFollower: Sendable {
    func restore(_ partitions: [PartitionID]) async throws
    func forget(_ partitions: Set<PartitionID>) async
}

/// Where one of the portal's dossiers stands in being taken in.
struct InboxEntry: Codable, Sendable, Equatable {
    enum Stage: String, Codable, Sendable {
        /// About to be published at or after `scanFrom` on its inbound partition.
        case publishing
        /// On the inbound topic at `offset`; not yet acknowledged.
        case published
        /// The portal was told (`daNhan: true`).
        case acknowledged
        /// Too large for the inbound topic: left on the portal, for an operator.
        case refused
    }

    var portalId: String
    var dossierCode: String
    var stage: Stage
    var inboundPartition: Int32
    var scanFrom: Int64
    var offset: Int64?
    /// When the stage was reached.
    var at: String
}

/// What the gateway took in from the BCA portal's inbox, on the compacted `gateway.inbox`
/// topic, key the portal's id. One instance takes the inbox in: the one assigned partition 0
/// of `dossier.events`, which reads the inbox's state before it starts and stops when the
/// partition moves.
///
/// Nothing is published twice: an entry says `publishing` (with the inbound offset from which
/// the event would be) before the event is published; an owner that finds such an entry on
/// start reads the inbound partition from there and learns whether it was.
/// Nothing is lost: the portal is acknowledged only once the event is on the inbound topic.
actor KafkaPortalInbox: PartitionFollower {
    private let producer: KafkaProducer
    private let configuration: KafkaConfiguration
    let inboxTopic: String
    /// Where the portal's dossiers go.
    let inbound: InboundTopic
    /// The partition whose owner takes the inbox in.
    private let leader: PartitionID
    private let retention: Duration
    private let fatal: FatalCondition
    private let metrics: GatewayMetrics
    private let logger: Logger
    private var entries: [String: InboxEntry] = [:]
    private(set) var isOwner = false
    /// Assigned the leading partition, whether or not the inbox's state could be read yet.
    private var leads = false
    private var roundRunning = false
    private var roundEnded: [CheckedContinuation<Void, Never>] = []

    init(
        producer: KafkaProducer, configuration: KafkaConfiguration, inboxTopic: String, inbound: InboundTopic, eventsTopic: String, retention: Duration, fatal: FatalCondition, metrics: GatewayMetrics, logger: Logger
    ) {
        self.producer = producer
        self.configuration = configuration
        self.inboxTopic = inboxTopic
        self.inbound = inbound
        self.leader = PartitionID(topic: eventsTopic, partition: 0)
        self.retention = retention
        self.fatal = fatal
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Ownership

    /// Takes the inbox over with partition 0. Its state not read (the topic unreadable) holds
    /// the portal's dossiers, never the partition's deliveries: each round tries again.
    func restore(_ partitions: [PartitionID]) async throws {
        guard partitions.contains(leader) else { return }
        leads = true
        await takeOver()
    }

    private func takeOver() async {
        var restored: [String: InboxEntry] = [:]
        do {
            try await readToEnd([KafkaTopicPartition(topic: inboxTopic, partition: 0)], configuration: configuration, producer: producer, timeout: .seconds(30), logger: logger) { message in
                guard let key = message.keyText else { return }
                if message.isTombstone { restored[key] = nil; return }
                guard let entry = try? JSONCoding.decoder.decode(InboxEntry.self, from: Data(message.value)) else { return }
                restored[key] = entry
            }
            try await settlePublishing(&restored)
        } catch {
            logger.error("portal inbox state not read: the portal's dossiers wait for the next round", metadata: ["topic": "\(inboxTopic)", "error": "\(error)"])
            return
        }
        // The partition may have moved on while the state was read.
        guard leads else { return }
        entries = restored
        isOwner = true
        logger.info("portal inbox restored: this instance takes it in", metadata: ["dossiers": "\(restored.count)"])
    }

    func forget(_ partitions: Set<PartitionID>) async {
        guard partitions.contains(leader) else { return }
        leads = false
        isOwner = false
        while roundRunning { await withCheckedContinuation { roundEnded.append($0) } }
        entries = [:]
    }

    /// Entries left `publishing` by a stopped owner: published if the inbound partition has
    /// their event past `scanFrom`, forgotten (to be taken in again) otherwise.
    private func settlePublishing(_ restored: inout [String: InboxEntry]) async throws {
        let pending = restored.values.filter { $0.stage == .publishing }
        var starts: [Int32: Int64] = [:]
        for entry in pending { starts[entry.inboundPartition] = min(starts[entry.inboundPartition] ?? .max, entry.scanFrom) }
        let wanted = Dictionary(uniqueKeysWithValues: pending.map { (PortalDossier.eventID(portalId: $0.portalId), $0.portalId) })
        var found: [String: Int64] = [:]
        try await inbound.identities(from: starts) { envelope, _, offset in
            if let portalId = wanted[envelope.id] { found[portalId] = offset }
        }
        for var entry in pending {
            if let offset = found[entry.portalId] {
                entry.stage = .published
                entry.offset = offset
                guard await write(entry) else { throw ConfigurationError("the gateway stopped") }
                restored[entry.portalId] = entry
                logger.notice("portal dossier found published before a restart; recorded, not published again", metadata: ["portalId": "\(entry.portalId)"])
            } else {
                guard await remove(entry.portalId) else { throw ConfigurationError("the gateway stopped") }
                restored[entry.portalId] = nil
            }
        }
    }

    // MARK: Rounds

    /// Starts a round of taking in; false when this instance does not own the inbox.
    func beginRound() async -> Bool {
        guard !roundRunning else { return false }
        roundRunning = true
        if leads, !isOwner { await takeOver() }
        guard isOwner else {
            endRound()
            return false
        }
        return true
    }

    func endRound() {
        roundRunning = false
        let waiting = roundEnded
        roundEnded = []
        for continuation in waiting { continuation.resume() }
    }

    func entry(_ portalId: String) -> InboxEntry? { entries[portalId] }

    /// Makes `entry` durable and known; false when the gateway stopped first.
    func record(_ entry: InboxEntry) async -> Bool {
        guard await write(entry) else { return false }
        entries[entry.portalId] = entry
        return true
    }

    /// Drops acknowledged and refused entries older than the retention, and those the portal
    /// no longer lists after it was acknowledged.
    func dropExpired(now: Date = Date()) async {
        let horizon = now.addingTimeInterval(-Double(retention.components.seconds))
        for entry in entries.values where entry.stage == .acknowledged || entry.stage == .refused {
            guard let at = VietnamTime.parseRFC3339(entry.at), at < horizon else { continue }
            guard await remove(entry.portalId) else { return }
            entries[entry.portalId] = nil
        }
    }


    var count: Int { entries.count }

    // MARK: Writing

    private func write(_ entry: InboxEntry) async -> Bool {
        let message = KafkaProducerMessage(topic: inboxTopic, key: entry.portalId, value: Array(try! JSONCoding.encoder.encode(entry)), partition: 0)
        return await producer.sendDurably(message, what: "portal inbox", fatal: fatal, metrics: metrics, logger: logger) != nil
    }

    private func remove(_ portalId: String) async -> Bool {
        let message = KafkaProducerMessage(topic: inboxTopic, key: portalId, value: nil, partition: 0)
        return await producer.sendDurably(message, what: "portal inbox", fatal: fatal, metrics: metrics, logger: logger) != nil
    }

}
