import GatewayModel

/// Where each dossier stands at each target: the offset of its latest event the target is
/// known to have received. An event read again after a crash or a rebalance, at or below that
/// mark, was delivered already and is not sent again: the target sees each event's effect
/// once, whether or not it honours `Idempotency-Key`.
///
/// Events of one dossier share a partition and are delivered in offset order, so every event
/// at or below the mark went through before it.
package protocol DeliveryMarks: Sendable {
    /// Whether `delivery`'s event, or a later one of its dossier, reached its target.
    func isDelivered(_ delivery: Delivery) async -> Bool
    /// Records durably that `delivery` reached its target; false when the gateway stops first.
    func markDelivered(_ delivery: Delivery) async -> Bool
}

/// The key of a mark: one per (target × dossier).
package struct DeliveryMark: Hashable, Sendable {
    package let target: TargetName
    package let dossierCode: String

    package init(target: TargetName, dossierCode: String) {
        self.target = target
        self.dossierCode = dossierCode
    }

    package init(_ delivery: Delivery) {
        self.init(target: delivery.target, dossierCode: delivery.event.dossierCode)
    }

    /// The record key on the compacted marks topic, `target/dossier` like parking.
    package var key: String { "\(target)/\(dossierCode)" }
}

/// Marks by source partition: what both stores keep in memory.
package struct DeliveryMarkTable: Sendable {
    private var offsets: [PartitionID: [DeliveryMark: Int64]] = [:]

    package init() {}

    package func covers(_ delivery: Delivery) -> Bool {
        guard let mark = offsets[delivery.origin.partitionID]?[DeliveryMark(delivery)] else { return false }
        return delivery.origin.offset <= mark
    }

    package mutating func raise(_ mark: DeliveryMark, in partition: PartitionID, to offset: Int64) {
        offsets[partition, default: [:]][mark] = max(offsets[partition]?[mark] ?? -1, offset)
    }

    package mutating func record(_ delivery: Delivery) {
        raise(DeliveryMark(delivery), in: delivery.origin.partitionID, to: delivery.origin.offset)
    }

    /// Replaces what is known of `partition`.
    package mutating func replace(_ partition: PartitionID, with marks: DeliveryMarkTable) {
        offsets[partition] = marks.offsets[partition]
    }

    /// Drops marks below the offsets committed: those events are never read again.
    package mutating func committed(_ committed: [PartitionID: Int64]) {
        for (partition, offset) in committed {
            guard let marks = offsets[partition] else { continue }
            let kept = marks.filter { $0.value >= offset }
            offsets[partition] = kept.isEmpty ? nil : kept
        }
    }

    package mutating func forget(_ partitions: Set<PartitionID>) {
        for partition in partitions { offsets[partition] = nil }
    }

    package var count: Int { offsets.values.reduce(0) { $0 + $1.count } }
}

/// Marks held in memory only, for tests and single-process tools.
package actor InMemoryDeliveryMarks: DeliveryMarks {
    private var table = DeliveryMarkTable()

    package init() {}

    package func isDelivered(_ delivery: Delivery) -> Bool { table.covers(delivery) }

    package func markDelivered(_ delivery: Delivery) -> Bool {
        table.record(delivery)
        return true
    }
}

extension EventOrigin {
    package var partitionID: PartitionID { PartitionID(topic: topic, partition: partition) }
}
