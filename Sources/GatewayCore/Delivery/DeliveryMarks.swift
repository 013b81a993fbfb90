import Foundation
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
    /// What the target's adapter keeps about `delivery`'s dossier.
    func memory(for delivery: Delivery) async -> JSONValue?
    /// Keeps `memory` (nil forgets) for `delivery`'s dossier at its target, durably; false when the
    /// gateway stops first. A `finished` memory is forgotten once its retention has passed.
    func keep(_ memory: JSONValue?, finished: Bool, for delivery: Delivery) async -> Bool
}

/// The memory of one delivery's dossier at its target, as its adapter sees it.
package struct MarkedDossierMemory: DossierMemory {
    let marks: any DeliveryMarks
    let delivery: Delivery

    package init(marks: any DeliveryMarks, delivery: Delivery) {
        self.marks = marks
        self.delivery = delivery
    }

    package func recall() async -> JSONValue? { await marks.memory(for: delivery) }
    package func keep(_ value: JSONValue?, finished: Bool) async -> Bool { await marks.keep(value, finished: finished, for: delivery) }
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

/// Marks by source partition, with the adapters' memories of dossiers: what both stores keep
/// in memory.
package struct DeliveryMarkTable: Sendable {
    package struct Entry: Sendable, Equatable {
        /// The offset of the latest event delivered; -1 when only a memory is kept.
        package var offset: Int64 = -1
        /// The memory as compact JSON text. Memories are held for their retention, a month by
        /// default, and as a tree of `JSONValue` one took about 240 bytes more than its text.
        private var memoryText: [UInt8]?
        /// When the memory was kept as the dossier's last at the target.
        package var finishedAt: Date?

        package init(offset: Int64 = -1, memory: JSONValue? = nil, finishedAt: Date? = nil) {
            self.offset = offset
            self.finishedAt = finishedAt
            self.memory = memory
        }

        package var hasMemory: Bool { memoryText != nil }

        package var memory: JSONValue? {
            // The text is the encoder's own output, so it always reads back; a value the
            // encoder could not write would have failed the mark record's encoding first.
            get { memoryText.map { text in try! JSONReader.read(text) { reader throws(JSONReadError) in try reader.value() } } }
            set { memoryText = newValue.map { value in try! StreamingJSONEncoder.encode(value).withUnsafeBufferPointer { Array($0) } } }
        }

        package static func == (left: Entry, right: Entry) -> Bool {
            left.offset == right.offset && left.finishedAt == right.finishedAt && left.memory == right.memory
        }
    }

    private var entries: [PartitionID: [DeliveryMark: Entry]] = [:]

    package init() {}

    package func covers(_ delivery: Delivery) -> Bool {
        guard let mark = entries[delivery.origin.partitionID]?[DeliveryMark(delivery)] else { return false }
        return delivery.origin.offset <= mark.offset
    }

    package func entry(_ mark: DeliveryMark, in partition: PartitionID) -> Entry? { entries[partition]?[mark] }

    package mutating func raise(_ mark: DeliveryMark, in partition: PartitionID, to offset: Int64) {
        entries[partition, default: [:]][mark, default: Entry()].offset = max(entries[partition]?[mark]?.offset ?? -1, offset)
    }

    package mutating func record(_ delivery: Delivery) {
        raise(DeliveryMark(delivery), in: delivery.origin.partitionID, to: delivery.origin.offset)
    }

    package mutating func set(_ memory: JSONValue?, finishedAt: Date? = nil, of mark: DeliveryMark, in partition: PartitionID) {
        entries[partition, default: [:]][mark, default: Entry()].memory = memory
        entries[partition]?[mark]?.finishedAt = memory == nil ? nil : finishedAt
        if let entry = entries[partition]?[mark], !entry.hasMemory, entry.offset < 0 { entries[partition]?[mark] = nil }
    }

    /// Forgets the memories kept as a dossier's last before `horizon`; how many.
    @discardableResult
    package mutating func forgetFinished(before horizon: Date) -> Int {
        var forgotten = 0
        for (partition, marks) in entries {
            let expired = marks.filter { $0.value.finishedAt.map { $0 < horizon } ?? false }
            guard !expired.isEmpty else { continue }
            forgotten += expired.count
            for (mark, entry) in expired {
                entries[partition]?[mark] = entry.offset < 0 ? nil : Entry(offset: entry.offset)
            }
            if entries[partition]?.isEmpty == true { entries[partition] = nil }
        }
        return forgotten
    }

    /// Replaces what is known of `partition`.
    package mutating func replace(_ partition: PartitionID, with marks: DeliveryMarkTable) {
        entries[partition] = marks.entries[partition]
    }

    /// Drops marks below the offsets committed (those events are never read again), keeping
    /// the memories of their dossiers.
    package mutating func committed(_ committed: [PartitionID: Int64]) {
        for (partition, offset) in committed {
            guard let marks = entries[partition] else { continue }
            let kept = marks.filter { $0.value.offset >= offset || $0.value.hasMemory }
            entries[partition] = kept.isEmpty ? nil : kept
        }
    }

    package mutating func forget(_ partitions: Set<PartitionID>) {
        for partition in partitions { entries[partition] = nil }
    }

    package var count: Int { entries.values.reduce(0) { $0 + $1.count } }
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

    package func memory(for delivery: Delivery) -> JSONValue? {
        table.entry(DeliveryMark(delivery), in: delivery.origin.partitionID)?.memory
    }

    package func keep(_ memory: JSONValue?, finished: Bool, for delivery: Delivery) -> Bool {
        table.set(memory, finishedAt: finished ? Date() : nil, of: DeliveryMark(delivery), in: delivery.origin.partitionID)
        return true
    }
}

extension EventOrigin {
    package var partitionID: PartitionID { PartitionID(topic: topic, partition: partition) }
}
