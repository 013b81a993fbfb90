import GatewayCore
import Kafka
import Logging

/// Keeps memory bounded, per partition in records and over all partitions in bytes.
/// A partition is paused (librdkafka stops fetching it) when its unfinished backlog reaches
/// `limit` records, or when the backlog of all partitions holds `byteBudget` bytes of
/// record values and this partition holds unfinished work. Past twice `byteBudget`, every
/// partition is paused: otherwise each partition with nothing queued would still bring in a
/// fetch of its own, however many partitions there are. When and what resumes is
/// `ResumePolicy`'s, which lets idle partitions flow again below twice the budget.
actor FlowControl {
    private let consumer: KafkaConsumer
    private let ledger: OffsetLedger
    private let limit: Int
    private let byteBudget: Int
    private let policy: ResumePolicy
    private let logger: Logger
    private var paused: Set<PartitionID> = []
    private var holdBack = HoldBack()

    init(consumer: KafkaConsumer, ledger: OffsetLedger, limit: Int, byteBudget: Int, intake: Int, logger: Logger) {
        self.consumer = consumer
        self.ledger = ledger
        self.limit = limit
        self.byteBudget = byteBudget
        self.policy = ResumePolicy(limit: limit, byteBudget: byteBudget, intake: intake)
        self.logger = logger
    }

    /// Called for every record read: the ledger is asked without a hop onto this actor, which
    /// is entered only when the partition is to be paused.
    nonisolated func check(_ partition: PartitionID) async {
        let load = ledger.load(partition)
        if load.records >= limit {
            await pause(partition, because: "backlog at its limit of \(limit) records")
        } else if load.totalBytes >= 2 * byteBudget {
            await pauseAll(because: "backlog of all partitions past twice its limit of \(byteBudget) bytes")
        } else if load.totalBytes >= byteBudget, load.bytes > 0 {
            await pause(partition, because: "backlog of all partitions at its limit of \(byteBudget) bytes, this one holding \(load.bytes)")
        }
    }

    private func pause(_ partition: PartitionID, because reason: String) {
        guard !paused.contains(partition) else { return }
        pause([partition], because: reason)
    }

    private func pauseAll(because reason: String) {
        let flowing = ledger.assigned.filter { !paused.contains($0) }
        guard !flowing.isEmpty else { return }
        pause(flowing, because: reason, everything: true)
    }

    private func pause(_ partitions: [PartitionID], because reason: String, everything: Bool = false) {
        let named = partitions.count == 1 ? "\(partitions[0])" : "\(partitions.count) partitions"
        do {
            try consumer.pause(partitions.map(KafkaTopicPartition.init))
            paused.formUnion(partitions)
            logger.debug("partition paused: \(reason)", metadata: ["partition": "\(named)"])
            if everything ? holdBack.pausedEverything(count: paused.count, at: .now) : holdBack.paused(count: paused.count, at: .now) {
                logger.notice("holding \(everything ? "every partition" : "partitions") back: \(reason)", metadata: ["partition": "\(named)"])
            }
        } catch {
            logger.error("could not pause partition", metadata: ["partition": "\(named)", "error": "\(error)"])
        }
    }

    func resumeDrained() async {
        defer {
            if let episode = holdBack.checked(pausedCount: paused.count, at: .now) {
                logger.notice("every partition flowing again", metadata: [
                    "heldSeconds": "\(Int(episode.held.components.seconds))", "pauses": "\(episode.pauses)", "mostPausedAtOnce": "\(episode.mostPaused)",
                    "everyPartitionHeld": "\(episode.pausedEverything)",
                ])
            }
        }
        guard !paused.isEmpty else { return }
        // Shuffled, so that while few may resume, the same ones are not always first.
        let chosen = policy.partitionsToResume(paused.shuffled(), totalBytes: ledger.pendingBytes) { partition in
            let load = ledger.load(partition)
            return (load.records, load.bytes)
        }
        for partition in chosen {
            do {
                try consumer.resume([KafkaTopicPartition(partition)])
                paused.remove(partition)
                logger.debug("partition resumed", metadata: ["partition": "\(partition)"])
            } catch {
                logger.error("could not resume partition", metadata: ["partition": "\(partition)", "error": "\(error)"])
            }
        }
    }

    var pausedPartitions: Set<PartitionID> { paused }

    /// Revoked or newly assigned partitions start unpaused.
    func forget(_ partitions: Set<PartitionID>) {
        paused.subtract(partitions)
    }
}

/// One stretch of time during which partitions were held back, for the log: its start and
/// its end are told once each, not every partition's pause and resume, which under a steady
/// backlog come many times a second (`gateway_partitions_paused` shows them as they are).
/// It ends once no partition has been paused for `quiet`, so that a backlog hovering at its
/// bound does not start a new stretch with each resume.
struct HoldBack {
    struct Episode: Equatable {
        var since: ContinuousClock.Instant
        /// The last time a partition was seen paused.
        var lastHeld: ContinuousClock.Instant
        var pauses = 1
        var mostPaused: Int
        /// Whether the backlog went past twice its budget, and every partition was paused.
        var pausedEverything = false
        var held: Duration { since.duration(to: lastHeld) }
    }

    let quiet: Duration
    private(set) var episode: Episode?

    init(quiet: Duration = .seconds(10)) {
        self.quiet = quiet
    }

    /// Notes a pause that left `count` partitions paused; true when it starts a stretch.
    mutating func paused(count: Int, at now: ContinuousClock.Instant) -> Bool {
        guard var current = episode else {
            episode = Episode(since: now, lastHeld: now, mostPaused: count)
            return true
        }
        current.lastHeld = now
        current.pauses += 1
        current.mostPaused = max(current.mostPaused, count)
        episode = current
        return false
    }

    /// Notes a pause of every partition; true the first time in a stretch, which it may start.
    mutating func pausedEverything(count: Int, at now: ContinuousClock.Instant) -> Bool {
        let starts = paused(count: count, at: now)
        let first = episode?.pausedEverything == false
        episode?.pausedEverything = true
        return starts || first
    }

    /// Notes how many partitions are paused after a resume check; the stretch that ended,
    /// once none has been paused for `quiet`.
    mutating func checked(pausedCount: Int, at now: ContinuousClock.Instant) -> Episode? {
        guard let current = episode else { return nil }
        if pausedCount > 0 {
            episode?.lastHeld = now
            return nil
        }
        guard current.lastHeld.duration(to: now) >= quiet else { return nil }
        episode = nil
        return current
    }
}

/// Which paused partitions resume. A partition resumes once its own backlog has halved in
/// records and the backlog of all partitions has halved in bytes. One whose own work is all
/// finished resumes sooner, so that partitions a stalled target does not hold up keep
/// flowing: but each such partition may bring in a fetch of it (`intake` bytes) at once, so
/// these resumes stop where the fetches they allow would take the backlog past twice its
/// budget. That bound holds however many partitions are assigned.
struct ResumePolicy {
    let limit: Int
    let byteBudget: Int
    let intake: Int

    func partitionsToResume(_ paused: [PartitionID], totalBytes: Int, load: (PartitionID) -> (records: Int, bytes: Int)) -> [PartitionID] {
        var expected = totalBytes
        var chosen: [PartitionID] = []
        for partition in paused {
            let own = load(partition)
            guard own.records <= limit / 2 else { continue }
            if totalBytes <= byteBudget / 2 {
                chosen.append(partition)
            } else if own.bytes == 0, expected + intake <= 2 * byteBudget {
                chosen.append(partition)
                expected += intake
            }
        }
        return chosen
    }
}
