import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Synchronization

/// What a running gateway shows of itself: per target and per partition, as `GET /status`
/// gives it (and `gateway status` prints it).
package struct GatewayStatus: Codable, Sendable, Equatable {
    package struct Target: Codable, Sendable, Equatable {
        package var name: String
        /// `closed`, `open` or `probing`; open and probing mean paused.
        package var breaker: String
        package var critical: Bool
        package var inFlight: Int
        package var queued: Int
        package var callsPerSecond: Double
        package var lastErrorClass: String?
        package var lastErrorAt: String?
        package var parkedDossiers: Int

        package var isPaused: Bool { breaker != CircuitBreaker.State.closed.rawValue }
    }

    package struct Partition: Codable, Sendable, Equatable {
        package var topic: String
        package var partition: Int32
        package var committed: Int64?
        package var highWatermark: Int64?
        /// High watermark minus the committed offset: the events not yet finished.
        package var lag: Int64?
        /// Paused by flow control: its backlog is at its bound.
        package var paused: Bool
    }

    /// A recent dead letter, as the status page lists it: no personal data.
    package struct RecentDeadLetter: Codable, Sendable, Equatable {
        package var at: String
        package var dossierCode: String
        package var target: String
        package var operation: String?
        package var errorClass: String?
        package var reason: String?
    }

    package var version: String
    package var ready: Bool
    /// Why it is not ready; empty when it is.
    package var reasons: [String]
    package var at: String
    package var eventsConsumed: Int
    package var eventsInvalid: Int
    package var targets: [Target]
    package var partitions: [Partition]
    package var recentDeadLetters: [RecentDeadLetter]
    /// The inbound flows on this instance; nil before the gateway runs.
    package var inbound: Inbound?

    package struct Inbound: Codable, Sendable, Equatable {
        /// Registrations watched here and not yet final; nil when the registry poll is off.
        package var registryPending: Int?
        /// Whether this instance takes the BCA portal's inbox in; nil when that flow is off.
        package var portalOwner: Bool?
        /// The portal's dossiers this instance knows of (taken in, acknowledged, refused).
        package var portalDossiersKnown: Int?
        /// The VBDLIS callback listener's port, once it listens.
        package var callbackPort: Int?
    }
}

/// Watches a gateway from the inside for the admin listener: readiness, status, and the
/// gauges refreshed before each scrape. The gateway attaches its parts once they run.
package final class GatewayMonitor: Sendable {
    struct Parts: Sendable {
        let engine: DeliveryEngine
        let consumer: KafkaConsumer
        let producer: KafkaProducer
        let ledger: OffsetLedger
        let parking: KafkaParkingLot
        let flow: FlowControl
        let eventsTopic: String
        let registryWatch: KafkaRegistryWatch?
        let portalInbox: KafkaPortalInbox?
        let callbackPort: @Sendable () -> Int?
    }

    private struct State {
        var parts: Parts?
        var joined = false
    }

    let statistics: GatewayStatistics
    private let criticalTargets: Set<String>
    private let activities: [TargetName: TargetActivity]
    private let state = Mutex(State())

    var metrics: GatewayMetrics { statistics.metrics }

    package init(statistics: GatewayStatistics, criticalTargets: Set<String>, targets: [TargetName]) {
        self.statistics = statistics
        self.criticalTargets = criticalTargets
        self.activities = Dictionary(uniqueKeysWithValues: targets.map { ($0, TargetActivity()) })
    }

    func activity(of target: TargetName) -> TargetActivity { activities[target] ?? TargetActivity() }

    func attach(_ parts: Parts) { state.withLock { $0.parts = parts } }
    func detach() { state.withLock { $0.parts = nil; $0.joined = false } }
    func joined() { state.withLock { $0.joined = true } }

    /// Whether the gateway is ready, and why not: what `/health/ready` answers. Asks the broker
    /// one question (2 s at most), not the watermarks and offsets `status()` gathers.
    package func readiness() async -> (ready: Bool, reasons: [String]) {
        let (parts, joined) = state.withLock { ($0.parts, $0.joined) }
        guard let parts else { return (false, ["the gateway is not running"]) }
        var reasons = await brokerReasons(parts)
        if !joined { reasons.append("the consumer group is not joined yet") }
        reasons += criticalPauses(await parts.engine.breakerStates())
        return (reasons.isEmpty, reasons)
    }

    private func brokerReasons(_ parts: Parts) async -> [String] {
        do {
            _ = try await parts.producer.partitionCount(of: parts.eventsTopic, timeout: .seconds(2))
            return []
        } catch {
            return ["the broker does not answer: \(error)"]
        }
    }

    private func criticalPauses(_ breakers: [TargetName: CircuitBreaker.State]) -> [String] {
        breakers.sorted { $0.key < $1.key }.compactMap { target, state in
            guard criticalTargets.contains(target.rawValue), state != .closed else { return nil }
            return "critical target \(target) is paused (\(state.rawValue))"
        }
    }

    /// The whole status; asks the broker for watermarks and committed offsets (2 s at most).
    package func status() async -> GatewayStatus {
        let (parts, joined) = state.withLock { ($0.parts, $0.joined) }
        let recent = statistics.recentDeadLetters
        let snapshot = statistics.snapshot
        var reasons: [String] = []
        var targets: [GatewayStatus.Target] = []
        var partitions: [GatewayStatus.Partition] = []
        var inbound: GatewayStatus.Inbound?
        if let parts {
            inbound = GatewayStatus.Inbound(
                registryPending: await parts.registryWatch?.pendingCount, portalOwner: await parts.portalInbox?.isOwner,
                portalDossiersKnown: await parts.portalInbox?.count, callbackPort: parts.callbackPort()
            )
            let breakers = await parts.engine.breakerStates()
            let backlog = await parts.engine.backlog()
            let parked = Dictionary(grouping: parts.parking.all, by: \.target).mapValues(\.count)
            for target in parts.engine.targets {
                let activity = activity(of: target).snapshot
                let breaker = breakers[target] ?? .closed
                targets.append(GatewayStatus.Target(
                    name: target.rawValue, breaker: breaker.rawValue, critical: criticalTargets.contains(target.rawValue),
                    inFlight: activity.inFlight, queued: backlog[target] ?? 0, callsPerSecond: activity.callsPerSecond,
                    lastErrorClass: activity.lastErrorClass, lastErrorAt: activity.lastErrorAt.map(VietnamTime.rfc3339),
                    parkedDossiers: parked[target] ?? 0
                ))
            }
            reasons += await brokerReasons(parts)
            reasons += criticalPauses(breakers)
            let assigned = parts.ledger.assigned.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            let paused = await parts.flow.pausedPartitions
            let asked = assigned.map(KafkaTopicPartition.init)
            let marks = (try? await parts.consumer.watermarks(asked, timeout: .seconds(2))) ?? [:]
            let committed = (try? await parts.consumer.committed(asked, timeout: .seconds(2))) ?? [:]
            for partition in assigned {
                let key = KafkaTopicPartition(partition)
                let high = marks[key]?.high
                // Nothing committed yet: the group reads from the oldest record still kept.
                let done = committed[key].flatMap { $0 >= 0 ? $0 : nil } ?? marks[key]?.low
                partitions.append(GatewayStatus.Partition(
                    topic: partition.topic, partition: partition.partition, committed: done, highWatermark: high,
                    lag: high.flatMap { high in done.map { max(0, high - $0) } }, paused: paused.contains(partition)
                ))
            }
        } else {
            reasons.append("the gateway is not running")
        }
        if !joined { reasons.append("the consumer group is not joined yet") }
        return GatewayStatus(
            version: GatewayVersion.current, ready: reasons.isEmpty, reasons: reasons, at: VietnamTime.rfc3339(Date()),
            eventsConsumed: snapshot.eventsConsumed, eventsInvalid: snapshot.invalidEvents,
            targets: targets, partitions: partitions, recentDeadLetters: recent.reversed(), inbound: inbound
        )
    }

    /// Sets the gauges from a fresh status, before a scrape; returns the status.
    @discardableResult
    package func refreshGauges() async -> GatewayStatus {
        let status = await status()
        for target in status.targets {
            let name = TargetName(target.name)
            metrics.breaker(target: name, CircuitBreaker.State(rawValue: target.breaker) ?? .closed)
            metrics.queued(target: name, target.queued)
            metrics.parked(target: name, target.parkedDossiers)
        }
        for partition in status.partitions {
            if let lag = partition.lag { metrics.lag(partition: PartitionID(topic: partition.topic, partition: partition.partition), lag) }
        }
        metrics.pausedPartitions.record(status.partitions.filter(\.paused).count)
        return status
    }
}
