/// A partition of the events topic, independent of the Kafka client.
public struct PartitionID: Hashable, Sendable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public var description: String { "\(topic)[\(partition)]" }
}

/// Tracks, per assigned partition, which records still wait for outcomes, and so which
/// offset may be committed: never past a record whose outcomes are not all durable.
public actor OffsetLedger {
    /// Identifies one record within one assignment of its partition.
    public struct Ticket: Sendable {
        let partition: PartitionID
        let generation: Int
        public let offset: Int64
    }

    private struct Progress {
        let generation: Int
        var offsets = FIFO<Int64>()
        var remaining: [Int64: Int] = [:]
        var nextOffset: Int64?
        var committed: Int64?

        /// The offset of the first record not yet finished, or one past the last seen.
        mutating func watermark() -> Int64? {
            while let first = offsets.first, remaining[first] == nil { _ = offsets.pop() }
            return offsets.first ?? nextOffset
        }
    }

    private var partitions: [PartitionID: Progress] = [:]
    private var generation = 0

    public init() {}

    public func assign(_ assigned: [PartitionID]) {
        for partition in assigned {
            generation += 1
            partitions[partition] = Progress(generation: generation)
        }
    }

    /// Forgets revoked partitions; outcomes still arriving for them change nothing here.
    public func revoke(_ revoked: [PartitionID]) {
        for partition in revoked { partitions[partition] = nil }
    }

    public var assigned: [PartitionID] { Array(partitions.keys) }

    /// Records that `offset` waits for `outcomes` outcomes (zero finishes it at once).
    public func begin(_ partition: PartitionID, offset: Int64, outcomes: Int) -> Ticket? {
        guard var progress = partitions[partition] else { return nil }
        progress.nextOffset = offset + 1
        if outcomes > 0 {
            progress.offsets.push(offset)
            progress.remaining[offset] = outcomes
        }
        partitions[partition] = progress
        return Ticket(partition: partition, generation: progress.generation, offset: offset)
    }

    /// One outcome of the ticket's record is durable.
    public func complete(_ ticket: Ticket) {
        guard var progress = partitions[ticket.partition], progress.generation == ticket.generation,
              let left = progress.remaining[ticket.offset] else { return }
        progress.remaining[ticket.offset] = left > 1 ? left - 1 : nil
        partitions[ticket.partition] = progress
    }

    /// Offsets to commit now: for each partition whose watermark moved since the last commit.
    public func committable() -> [PartitionID: Int64] {
        var result: [PartitionID: Int64] = [:]
        for (partition, var progress) in partitions {
            if let mark = progress.watermark(), mark != progress.committed {
                result[partition] = mark
            }
            partitions[partition] = progress
        }
        return result
    }

    public func markCommitted(_ offsets: [PartitionID: Int64]) {
        for (partition, offset) in offsets {
            partitions[partition]?.committed = offset
        }
    }

    /// Records of `partition` read but not yet finished.
    public func pending(_ partition: PartitionID) -> Int {
        partitions[partition]?.remaining.count ?? 0
    }

    /// Records read but not yet finished, over all partitions.
    public var pending: Int { partitions.values.reduce(0) { $0 + $1.remaining.count } }
}
