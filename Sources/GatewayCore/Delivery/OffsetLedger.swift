import GatewayModel
import Synchronization

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
///
/// Every record passes through it twice (begun when read, completed per outcome), so its
/// state sits behind a lock held for a few dictionary operations, not on an actor that each
/// caller would have to hop onto.
package final class OffsetLedger: Sendable {
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

    private struct State {
        var partitions: [PartitionID: Progress] = [:]
        var generation = 0
        /// Bytes of the records read but not yet finished, over all partitions.
        var pendingBytes = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func assign(_ assigned: [PartitionID]) {
        state.withLock { state in
            for partition in assigned {
                state.pendingBytes -= state.partitions[partition]?.bytes ?? 0
                state.generation += 1
                state.partitions[partition] = Progress(generation: state.generation)
            }
        }
    }

    /// Forgets revoked partitions; outcomes still arriving for them change nothing here.
    package func revoke(_ revoked: [PartitionID]) {
        state.withLock { state in
            for partition in revoked {
                state.pendingBytes -= state.partitions[partition]?.bytes ?? 0
                state.partitions[partition] = nil
            }
        }
    }

    package var assigned: [PartitionID] { state.withLock { Array($0.partitions.keys) } }

    /// Bytes of the records read but not yet finished, over all partitions.
    package var pendingBytes: Int { state.withLock { $0.pendingBytes } }

    /// Records that `offset`, a record of `bytes`, waits for `outcomes` outcomes (zero
    /// finishes it at once).
    package func begin(_ partition: PartitionID, offset: Int64, outcomes: Int, bytes: Int = 0) -> Ticket? {
        state.withLock { state in
            // Taken out and put back, so that its queues are changed in place, not copied.
            guard var progress = state.partitions.removeValue(forKey: partition) else { return nil }
            progress.nextOffset = offset + 1
            if outcomes > 0 {
                progress.offsets.push(offset)
                progress.remaining[offset] = (outcomes, bytes)
                progress.bytes += bytes
                state.pendingBytes += bytes
            }
            state.partitions[partition] = progress
            return Ticket(partition: partition, generation: progress.generation, offset: offset)
        }
    }

    /// One outcome of the ticket's record is durable.
    package func complete(_ ticket: Ticket) {
        state.withLock { state in
            // Taken out and put back, so that its queues are changed in place, not copied.
            guard var updated = state.partitions.removeValue(forKey: ticket.partition) else { return }
            defer { state.partitions[ticket.partition] = updated }
            guard updated.generation == ticket.generation, let left = updated.remaining[ticket.offset] else { return }
            if left.outcomes > 1 {
                updated.remaining[ticket.offset] = (left.outcomes - 1, left.bytes)
            } else {
                updated.remaining[ticket.offset] = nil
                updated.bytes -= left.bytes
                state.pendingBytes -= left.bytes
                updated.finished()
            }
        }
    }

    /// Offsets to commit now: for each partition whose watermark moved since the last commit.
    package func committable() -> [PartitionID: Int64] {
        state.withLock { state in
            var result: [PartitionID: Int64] = [:]
            for partition in state.partitions.keys {
                if let mark = state.partitions[partition]!.watermark(), mark != state.partitions[partition]!.committed {
                    result[partition] = mark
                }
            }
            return result
        }
    }

    package func markCommitted(_ offsets: [PartitionID: Int64]) {
        state.withLock { state in
            for (partition, offset) in offsets {
                state.partitions[partition]?.committed = offset
            }
        }
    }

    /// Records of `partition` read but not yet finished.
    package func pending(_ partition: PartitionID) -> Int {
        state.withLock { $0.partitions[partition]?.remaining.count ?? 0 }
    }

    /// Records and their bytes of `partition` read but not yet finished, with the bytes over
    /// all partitions.
    package func load(_ partition: PartitionID) -> (records: Int, bytes: Int, totalBytes: Int) {
        state.withLock { state in
            let progress = state.partitions[partition]
            return (progress?.remaining.count ?? 0, progress?.bytes ?? 0, state.pendingBytes)
        }
    }

    /// Records read but not yet finished, over all partitions.
    package var pending: Int { state.withLock { $0.partitions.values.reduce(0) { $0 + $1.remaining.count } } }
}
