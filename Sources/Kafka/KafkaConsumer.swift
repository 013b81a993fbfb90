import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer with manual offset commits, per-partition pause and resume, and
/// rebalances reported in line with the messages.
///
/// Polling runs on a dedicated thread; what it reads waits in a bounded buffer
/// for `events`, and polling pauses while that buffer is full.
package final class KafkaConsumer: Sendable {
    /// Messages and rebalances in the order they happened. Iterate it from one task.
    package let events: KafkaConsumerEvents

    // librdkafka handles are thread-safe. The pointer is destroyed once, in `close` or
    // `deinit`, after the poll thread has stopped and every call holding `lease` has returned;
    // no call starts once the lease is closed.
    private nonisolated(unsafe) let handle: OpaquePointer
    private let context: ConsumerContext
    private let poller: PollThread
    private let lease = HandleLease()
    private let logger: Logger

    package init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        let (stream, continuation) = AsyncStream.makeStream(of: BufferedEvent.self)
        let context = ConsumerContext(
            continuation: continuation, capacity: configuration.bufferCapacity, byteCapacity: configuration.bufferBytes,
            revocationTimeout: configuration.revocationTimeout,
            startsPaused: configuration.startsAssignedPartitionsPaused, logger: logger
        )
        self.context = context
        self.logger = logger
        self.events = KafkaConsumerEvents(stream: stream, context: context)

        let conf = try RdKafka.makeConf(configuration.dictionary)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
            guard let handle, let opaque else { return }
            let context = Unmanaged<ConsumerContext>.fromOpaque(opaque).takeUnretainedValue()
            let topicPartitions = RdKafka.topicPartitions(partitions)
            // Cooperative assignment hands over only the partitions that move; eager, all of them.
            let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
            if error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                context.startEpoch(of: topicPartitions)
                if cooperative {
                    context.report(rd_kafka_incremental_assign(handle, partitions), "incremental assignment")
                } else {
                    rd_kafka_assign(handle, partitions)
                }
                // librdkafka keeps a partition's pause across a revoke and a new assignment, so
                // the state is always set here: fetching, or paused until the reader resumes it.
                if context.startsPaused {
                    rd_kafka_pause_partitions(handle, partitions)
                } else {
                    rd_kafka_resume_partitions(handle, partitions)
                }
                context.continuation.yield(.event(.partitionsAssigned(topicPartitions)))
            } else {
                // From here on, messages of these partitions that wait in the buffer are not
                // handed to the reader: they belong to whoever is assigned the partitions next.
                context.startEpoch(of: topicPartitions)
                let revocation = KafkaRevocation()
                context.continuation.yield(.event(.partitionsRevoked(topicPartitions, revocation)))
                if !context.isClosing, !revocation.wait(timeout: context.revocationTimeout) {
                    context.logger.warning("revoked partitions were not released in time", metadata: ["partitions": "\(topicPartitions)"])
                }
                if cooperative {
                    context.report(rd_kafka_incremental_unassign(handle, partitions), "incremental unassignment")
                } else {
                    rd_kafka_assign(handle, nil)
                }
            }
        }
        let handle = try RdKafka.makeHandle(RD_KAFKA_CONSUMER, conf: conf)
        self.handle = handle
        rd_kafka_poll_set_consumer(handle)

        switch configuration.subscription {
        case .group(_, let topics):
            let list = RdKafka.partitionList(topics.map { (KafkaTopicPartition(topic: $0, partition: -1), nil) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let error = rd_kafka_subscribe(handle, list)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                rd_kafka_destroy(handle)
                throw KafkaError(error, context: "subscribe")
            }
        case .partitions(let partitions, _):
            // "The beginning" is a logical offset, which a new client looks up with the partition's
            // leader, and waits 500 ms first while it does not know the leader yet. Offset 0 is
            // read at once; where retention has removed it, the reset goes to the earliest.
            let beginning = configuration.startFromEarliest ? 0 : Int64(RD_KAFKA_OFFSET_BEGINNING)
            let list = RdKafka.partitionList(partitions.map { ($0, configuration.startOffsets[$0.partition] ?? beginning) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let error = rd_kafka_assign(handle, list)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                rd_kafka_destroy(handle)
                throw KafkaError(error, context: "assign")
            }
            continuation.yield(.event(.partitionsAssigned(partitions)))
        case .soleReader(_, let partitions):
            // No offset given: librdkafka starts each partition at the group's committed offset.
            let list = RdKafka.partitionList(partitions.map { ($0, configuration.startOffsets[$0.partition]) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            context.startEpoch(of: partitions)
            let error = rd_kafka_assign(handle, list)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                rd_kafka_destroy(handle)
                throw KafkaError(error, context: "assign")
            }
            if configuration.startsAssignedPartitionsPaused { rd_kafka_pause_partitions(handle, list) }
            continuation.yield(.event(.partitionsAssigned(partitions)))
        }

        nonisolated(unsafe) let polled = handle
        let pollLogger = logger
        self.poller = PollThread(name: "kafka-consumer-poll") {
            guard context.hasRoom else {
                context.waitForRoom(patience: .milliseconds(50))
                return
            }
            guard let message = rd_kafka_consumer_poll(polled, 50) else { return }
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                context.deliver(.endOfPartition(KafkaTopicPartition(topic: topic, partition: message.pointee.partition), offset: message.pointee.offset))
                return
            }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                pollLogger.warning("consumer error", metadata: ["kafka.error": "\(KafkaError(message.pointee.err))"])
                return
            }
            context.deliver(KafkaConsumerMessage(copying: message))
        }
    }

    deinit {
        if lease.close() {
            context.isClosing = true
            poller.stop()
            lease.waitUntilUnused()
            rd_kafka_consumer_close(handle)
            rd_kafka_destroy(handle)
            context.continuation.finish()
        }
    }

    /// Commits, for each partition, the offset of the next record to read.
    package func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        guard !offsets.isEmpty else { return }
        try lease.acquire()
        defer { lease.release() }
        nonisolated(unsafe) let handle = self.handle
        let entries = offsets.map { ($0.key, Optional($0.value)) }
        let result = await RdKafka.blocking {
            let list = RdKafka.partitionList(entries)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            return rd_kafka_commit(handle, list, 0).rawValue
        }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR.rawValue {
            throw KafkaError(rd_kafka_resp_err_t(rawValue: result), context: "commit")
        }
    }

    /// The offsets this group has committed for `partitions` (nil where none is).
    package func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: Int64] {
        try lease.acquire()
        defer { lease.release() }
        nonisolated(unsafe) let handle = self.handle
        let milliseconds = timeout.milliseconds32
        let (result, offsets) = await RdKafka.blocking { () -> (Int32, [KafkaTopicPartition: Int64]) in
            let list = RdKafka.partitionList(partitions.map { ($0, nil) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let error = rd_kafka_committed(handle, list, milliseconds)
            var found: [KafkaTopicPartition: Int64] = [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                if element.offset >= 0 {
                    found[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
                }
            }
            return (error.rawValue, found)
        }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR.rawValue {
            throw KafkaError(rd_kafka_resp_err_t(rawValue: result), context: "committed offsets")
        }
        return offsets
    }

    /// The low and high watermarks of each partition, asked of the broker all at once. While this
    /// consumer fetches, prefer `KafkaProducer.watermarks`: the answer waits behind its fetch.
    package func watermarks(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: (low: Int64, high: Int64)] {
        try lease.acquire()
        defer { lease.release() }
        return try await RdKafka.watermarks(handle, partitions, timeout: timeout)
    }

    /// Moves the next fetch of each partition to its offset; what was fetched before is dropped.
    package func seek(_ offsets: [KafkaTopicPartition: Int64], timeout: Duration = .seconds(10)) async throws {
        guard !offsets.isEmpty else { return }
        try lease.acquire()
        defer { lease.release() }
        nonisolated(unsafe) let handle = self.handle
        let entries = offsets.map { ($0.key, Optional($0.value)) }
        let milliseconds = timeout.milliseconds32
        let failure = await RdKafka.blocking { () -> Int32 in
            let list = RdKafka.partitionList(entries)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            guard let error = rd_kafka_seek_partitions(handle, list, milliseconds) else {
                for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    return list.pointee.elems[index].err.rawValue
                }
                return 0
            }
            let code = rd_kafka_error_code(error).rawValue
            rd_kafka_error_destroy(error)
            return code
        }
        if failure != 0 {
            throw KafkaError(rd_kafka_resp_err_t(rawValue: failure), context: "seek")
        }
    }

    /// Stops fetching from `partitions` until `resume`; what is buffered still arrives.
    package func pause(_ partitions: [KafkaTopicPartition]) throws {
        try changeFetching(partitions, rd_kafka_pause_partitions, "pause")
    }

    package func resume(_ partitions: [KafkaTopicPartition]) throws {
        try changeFetching(partitions, rd_kafka_resume_partitions, "resume")
    }

    /// Leaves the group and releases the client. Commit what is done before calling it.
    package func close() async {
        guard lease.close() else { return }
        context.isClosing = true
        poller.stop()
        nonisolated(unsafe) let handle = self.handle
        await RdKafka.blocking { [lease] in
            lease.waitUntilUnused()
            rd_kafka_consumer_close(handle)
            rd_kafka_destroy(handle)
        }
        context.continuation.finish()
        logger.debug("consumer closed")
    }

    private func changeFetching(
        _ partitions: [KafkaTopicPartition],
        _ call: (OpaquePointer?, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> rd_kafka_resp_err_t,
        _ name: String
    ) throws {
        guard !partitions.isEmpty else { return }
        // Closed: nothing is fetched any more, which is what pausing and resuming are about.
        guard (try? lease.acquire()) != nil else { return }
        defer { lease.release() }
        let list = RdKafka.partitionList(partitions.map { ($0, nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = call(handle, list)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(error, context: name)
        }
    }
}
