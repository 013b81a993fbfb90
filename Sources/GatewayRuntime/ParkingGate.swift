import GatewayCore
import GatewayModel
import Kafka
import Logging

/// Keeps a newly assigned partition's events from being delivered until the parking state
/// has been read to its end, so that no dossier's later event goes out ahead of the dead
/// letter it is parked behind (parking fails closed).
///
/// The consumer assigns partitions paused; what was fetched before the pause waits here, in
/// order, and is handled first when the partition opens. Then the partition is resumed.
actor ParkingGate {
    private struct Closed {
        let generation: Int
        var held: [KafkaConsumerMessage] = []
    }

    private var closed: [PartitionID: Closed] = [:]
    /// Partitions whose held event `open` is handing over right now, and who waits for that to end.
    private var releasing: Set<PartitionID> = []
    private var releaseWaiters: [CheckedContinuation<Void, Never>] = []
    private var generation = 0
    private var catchingUp: [Int: Task<Void, Never>] = [:]

    /// Closes `partitions` and returns the generation that `open` must name.
    func close(_ partitions: [PartitionID]) -> Int {
        generation += 1
        for partition in partitions { closed[partition] = Closed(generation: generation) }
        return generation
    }

    /// Hands `message` to `handle` at once if its partition is open; holds it otherwise.
    func submit(_ message: KafkaConsumerMessage, handle: @Sendable (KafkaConsumerMessage) async -> Void) async {
        let partition = PartitionID(message.topicPartition)
        if closed[partition] != nil {
            closed[partition]?.held.append(message)
            return
        }
        await handle(message)
    }

    /// Handles what was held for the partitions closed in `generation`, in order, then opens
    /// them; returns those opened (not revoked or reassigned meanwhile).
    func open(_ partitions: [PartitionID], generation: Int, handle: @Sendable (KafkaConsumerMessage) async -> Void) async -> [PartitionID] {
        var opened: [PartitionID] = []
        for partition in partitions {
            while let entry = closed[partition], entry.generation == generation {
                guard !entry.held.isEmpty else {
                    closed[partition] = nil
                    opened.append(partition)
                    break
                }
                closed[partition]?.held.removeFirst()
                releasing.insert(partition)
                await handle(entry.held[0])
                releasing.remove(partition)
                let waiting = releaseWaiters
                releaseWaiters = []
                for waiter in waiting { waiter.resume() }
            }
        }
        catchingUp[generation] = nil
        return opened
    }

    /// Forgets revoked partitions and what was held for them: the next owner reads it again.
    /// Returns once no held event of theirs is being handed over, so that the revocation that
    /// follows (abandon, commit, a new ledger generation) sees every event that got through.
    func forget(_ partitions: Set<PartitionID>) async {
        for partition in partitions { closed[partition] = nil }
        while !releasing.isDisjoint(with: partitions) {
            await withCheckedContinuation { releaseWaiters.append($0) }
        }
    }

    func isClosed(_ partition: PartitionID, generation: Int) -> Bool {
        closed[partition]?.generation == generation
    }

    func track(_ task: Task<Void, Never>, generation: Int) {
        catchingUp[generation] = task
    }

    func stop() {
        for task in catchingUp.values { task.cancel() }
        catchingUp = [:]
    }
}
