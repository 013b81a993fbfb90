import GatewayCore
import Kafka
import Logging

/// Keeps memory bounded, per partition in records and over all partitions in bytes.
/// A partition is paused (librdkafka stops fetching it) when its unfinished backlog reaches
/// `limit` records, or when the backlog of all partitions holds `byteBudget` bytes of
/// record values and this partition holds unfinished work. A partition whose work finishes
/// keeps flowing. A paused partition resumes once its backlog has halved, in records, and in
/// bytes over all partitions or down to nothing of its own.
actor FlowControl {
    private let consumer: KafkaConsumer
    private let ledger: OffsetLedger
    private let limit: Int
    private let byteBudget: Int
    private let logger: Logger
    private var paused: Set<PartitionID> = []

    init(consumer: KafkaConsumer, ledger: OffsetLedger, limit: Int, byteBudget: Int, logger: Logger) {
        self.consumer = consumer
        self.ledger = ledger
        self.limit = limit
        self.byteBudget = byteBudget
        self.logger = logger
    }

    /// Called for every record read: the ledger is asked without a hop onto this actor, which
    /// is entered only when the partition is to be paused.
    nonisolated func check(_ partition: PartitionID) async {
        let load = ledger.load(partition)
        if load.records >= limit {
            await pause(partition, because: "backlog at its limit of \(limit) records")
        } else if load.totalBytes >= byteBudget, load.bytes > 0 {
            await pause(partition, because: "backlog of all partitions at its limit of \(byteBudget) bytes, this one holding \(load.bytes)")
        }
    }

    private func pause(_ partition: PartitionID, because reason: String) {
        guard !paused.contains(partition) else { return }
        do {
            try consumer.pause([KafkaTopicPartition(partition)])
            paused.insert(partition)
            logger.warning("partition paused: \(reason)", metadata: ["partition": "\(partition)"])
        } catch {
            logger.error("could not pause partition", metadata: ["partition": "\(partition)", "error": "\(error)"])
        }
    }

    func resumeDrained() async {
        for partition in paused {
            let load = ledger.load(partition)
            guard load.records <= limit / 2, load.totalBytes <= byteBudget / 2 || load.bytes == 0 else { continue }
            do {
                try consumer.resume([KafkaTopicPartition(partition)])
                paused.remove(partition)
                logger.notice("partition resumed", metadata: ["partition": "\(partition)"])
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
