import GatewayModel

/// Where each dossier stands at each target: the offset of its latest event the target is
/// known to have received. An event read again after a crash or a rebalance, at or below that
/// mark, was delivered already and is not sent again: the target sees each event's effect
/// once, whether or not it honours `Idempotency-Key`.
///
/// Events of one dossier share a partition and are delivered in offset order, so every event
/// at or below the mark went through before it.
public protocol DeliveryMarks: Sendable {
    /// Whether `delivery`'s event, or a later one of its dossier, reached its target.
    func isDelivered(_ delivery: Delivery) async -> Bool
    /// Records durably that `delivery` reached its target; false when the gateway stops first.
    func markDelivered(_ delivery: Delivery) async -> Bool
}

/// The key of a mark: one per (target × dossier).
public struct DeliveryMark: Hashable, Sendable {
    public let target: TargetName
    public let dossierCode: String

    public init(target: TargetName, dossierCode: String) {
        self.target = target
        self.dossierCode = dossierCode
    }

    public init(_ delivery: Delivery) {
        self.init(target: delivery.target, dossierCode: delivery.event.dossierCode)
    }

    /// The record key on the compacted marks topic, `target/dossier` like parking.
    public var key: String { "\(target)/\(dossierCode)" }
}

/// Marks by source partition: what both stores keep in memory.
public struct DeliveryMarkTable: Sendable {
    private var offsets: [PartitionID: [DeliveryMark: Int64]] = [:]

    public init() {}

    public func covers(_ delivery: Delivery) -> Bool {
        guard let mark = offsets[delivery.origin.partitionID]?[DeliveryMark(delivery)] else { return false }
        return delivery.origin.offset <= mark
    }

    public mutating func raise(_ mark: DeliveryMark, in partition: PartitionID, to offset: Int64) {
        offsets[partition, default: [:]][mark] = max(offsets[partition]?[mark] ?? -1, offset)
    }

    public mutating func record(_ delivery: Delivery) {
        raise(DeliveryMark(delivery), in: delivery.origin.partitionID, to: delivery.origin.offset)
    }

    /// Replaces what is known of `partition`.
    public mutating func replace(_ partition: PartitionID, with marks: DeliveryMarkTable) {
        offsets[partition] = marks.offsets[partition]
    }

    /// Drops marks below the offsets committed: those events are never read again.
    public mutating func committed(_ committed: [PartitionID: Int64]) {
        for (partition, offset) in committed {
            guard let marks = offsets[partition] else { continue }
            let kept = marks.filter { $0.value >= offset }
            offsets[partition] = kept.isEmpty ? nil : kept
        }
    }

    public mutating func forget(_ partitions: Set<PartitionID>) {
        for partition in partitions { offsets[partition] = nil }
    }

    public var count: Int { offsets.values.reduce(0) { $0 + $1.count } }
}

/// Marks held in memory only, for tests and single-process tools.
public actor InMemoryDeliveryMarks: DeliveryMarks {
    private var table = DeliveryMarkTable()

    public init() {}

    public func isDelivered(_ delivery: Delivery) -> Bool { table.covers(delivery) }

    public func markDelivered(_ delivery: Delivery) -> Bool {
        table.record(delivery)
        return true
    }
}

extension EventOrigin {
    public var partitionID: PartitionID { PartitionID(topic: topic, partition: partition) }
}
