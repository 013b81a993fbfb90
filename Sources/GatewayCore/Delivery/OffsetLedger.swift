import GatewayModel

/// A partition of the events topic, independent of the Kafka client.
package struct PartitionID: Hashable, Sendable, CustomStringConvertible {
    package let topic: String
    package let partition: Int32
    package init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    package var description: String { "\(topic)[\(partition)]" }
}

/// Tracks, per assigned partition, which records still wait for outcomes, and so which
/// offset may be committed: never past a record whose outcomes are not all durable.
package actor OffsetLedger {
    /// Identifies one record within one assignment of its partition.
    package struct Ticket: Sendable {
        let partition: PartitionID
        let generation: Int
        package let offset: Int64
    }

    private struct Progress {
        let generation: Int
        /// Offsets begun, in order; finished ones leave from the front, or all at once when
        /// they outnumber the unfinished (a record that never finishes holds the front).
        var offsets = FIFO<Int64>()
        var remaining: [Int64: (outcomes: Int, bytes: Int)] = [:]
        var bytes = 0
        var nextOffset: Int64?
        var committed: Int64?

        /// The offset of the first record not yet finished, or one past the last seen.
        mutating func watermark() -> Int64? {
            while let first = offsets.first, remaining[first] == nil { _ = offsets.pop() }
            return offsets.first ?? nextOffset
        }

        mutating func finished() {
            if offsets.count > 1_024, offsets.count > 2 * remaining.count {
                offsets = FIFO(remaining.keys.sorted())
            }
        }
    }

    private var partitions: [PartitionID: Progress] = [:]
    private var generation = 0
    /// Bytes of the records read but not yet finished, over all partitions.
    package private(set) var pendingBytes = 0

    package init() {}

    package func assign(_ assigned: [PartitionID]) {
        for partition in assigned {
            pendingBytes -= partitions[partition]?.bytes ?? 0
            generation += 1
            partitions[partition] = Progress(generation: generation)
        }
    }

    /// Forgets revoked partitions; outcomes still arriving for them change nothing here.
    package func revoke(_ revoked: [PartitionID]) {
        for partition in revoked {
            pendingBytes -= partitions[partition]?.bytes ?? 0
            partitions[partition] = nil
        }
    }

    package var assigned: [PartitionID] { Array(partitions.keys) }

    /// Records that `offset`, a record of `bytes`, waits for `outcomes` outcomes (zero
    /// finishes it at once).
    package func begin(_ partition: PartitionID, offset: Int64, outcomes: Int, bytes: Int = 0) -> Ticket? {
        guard var progress = partitions[partition] else { return nil }
        progress.nextOffset = offset + 1
        if outcomes > 0 {
            progress.offsets.push(offset)
            progress.remaining[offset] = (outcomes, bytes)
            progress.bytes += bytes
            pendingBytes += bytes
        }
        partitions[partition] = progress
        return Ticket(partition: partition, generation: progress.generation, offset: offset)
    }

    /// One outcome of the ticket's record is durable.
    package func complete(_ ticket: Ticket) {
        guard var progress = partitions[ticket.partition], progress.generation == ticket.generation,
              let left = progress.remaining[ticket.offset] else { return }
        if left.outcomes > 1 {
            progress.remaining[ticket.offset] = (left.outcomes - 1, left.bytes)
        } else {
            progress.remaining[ticket.offset] = nil
            progress.bytes -= left.bytes
            pendingBytes -= left.bytes
            progress.finished()
        }
        partitions[ticket.partition] = progress
    }

    /// Offsets to commit now: for each partition whose watermark moved since the last commit.
    package func committable() -> [PartitionID: Int64] {
        var result: [PartitionID: Int64] = [:]
        for (partition, var progress) in partitions {
            if let mark = progress.watermark(), mark != progress.committed {
                result[partition] = mark
            }
            partitions[partition] = progress
        }
        return result
    }

    package func markCommitted(_ offsets: [PartitionID: Int64]) {
        for (partition, offset) in offsets {
            partitions[partition]?.committed = offset
        }
    }

    /// Records of `partition` read but not yet finished.
    package func pending(_ partition: PartitionID) -> Int {
        partitions[partition]?.remaining.count ?? 0
    }

    /// Records and their bytes of `partition` read but not yet finished, with the bytes over
    /// all partitions.
    package func load(_ partition: PartitionID) -> (records: Int, bytes: Int, totalBytes: Int) {
        let progress = partitions[partition]
        return (progress?.remaining.count ?? 0, progress?.bytes ?? 0, pendingBytes)
    }

    /// Records read but not yet finished, over all partitions.
    package var pending: Int { partitions.values.reduce(0) { $0 + $1.remaining.count } }
}
