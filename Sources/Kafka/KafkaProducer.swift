import CRdKafka
import Foundation
import Synchronization

/// An idempotent producer whose sends complete when the broker acknowledges them.
package final class KafkaProducer: Sendable {
    // librdkafka handles are thread-safe. The raw pointer is destroyed once, by `shutdown` or
    // `deinit`, under `state`'s lock, and every produce call runs under that same lock after
    // checking that the handle is still open: no call can use a destroyed handle.
    private nonisolated(unsafe) let handle: OpaquePointer
    private let poller: PollThread
    private let state = Mutex<(closed: Bool, destroyed: Bool)>((false, false))
    /// Held by the queries that block on the handle (metadata, watermarks, flush), so that
    /// `shutdown` destroys it only after the last of them returns.
    private let lease = HandleLease()
    private let callbacks: Unmanaged<ProducerCallbacks>

    /// - Parameter onFatalError: called once, from librdkafka's thread, when the producer raises a
    ///   fatal error (with idempotence, a broken sequence): it can send nothing more.
    package init(configuration: KafkaProducerConfiguration, onFatalError: (@Sendable (KafkaError) -> Void)? = nil) throws {
        let conf = try RdKafka.makeConf(configuration.dictionary)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, callbacks in
            defer { callbacks.map { Unmanaged<ProducerCallbacks>.fromOpaque($0).takeUnretainedValue().reported() } }
            guard let message, let opaque = message.pointee._private else { return }
            let pending = Unmanaged<PendingDelivery>.fromOpaque(opaque).takeRetainedValue()
            let record = message.pointee
            if record.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                pending.continuation.resume(throwing: KafkaError(record.err, context: "delivery failed"))
            } else {
                let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                pending.continuation.resume(returning: KafkaDeliveryReport(topic: topic, partition: record.partition, offset: record.offset))
            }
        }
        let sink = Unmanaged.passRetained(ProducerCallbacks(onFatalError))
        rd_kafka_conf_set_opaque(conf, sink.toOpaque())
        rd_kafka_conf_set_error_cb(conf) { handle, error, reason, opaque in
            RdKafka.logError(error, reason.map { String(cString: $0) } ?? "")
            guard error == RD_KAFKA_RESP_ERR__FATAL.rawValue, let handle, let opaque else { return }
            var text = [CChar](repeating: 0, count: 512)
            let cause = rd_kafka_fatal_error(handle, &text, text.count)
            Unmanaged<ProducerCallbacks>.fromOpaque(opaque).takeUnretainedValue().report(KafkaError(cause, context: "fatal: \(RdKafka.text(text))"))
        }
        let handle: OpaquePointer
        do {
            handle = try RdKafka.makeHandle(RD_KAFKA_PRODUCER, conf: conf)
        } catch {
            sink.release()
            throw error
        }
        self.handle = handle
        self.callbacks = sink
        nonisolated(unsafe) let polled = handle
        self.poller = PollThread(name: "kafka-producer-poll") { _ = rd_kafka_poll(polled, 50) }
    }

    deinit {
        destroy()
        callbacks.release()
    }

    /// Sends one record and returns once it is acknowledged by all in-sync replicas.
    package func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        while true {
            let reportsSeen = callbacks.takeUnretainedValue().reportCount
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let pending = Unmanaged.passRetained(PendingDelivery(continuation)).toOpaque()
                    let failure = state.withLock { state -> KafkaError? in
                        guard !state.closed else { return .shutdown }
                        return enqueue(message, opaque: pending)
                    }
                    if let failure {
                        Unmanaged<PendingDelivery>.fromOpaque(pending).release()
                        continuation.resume(throwing: failure)
                    }
                }
            } catch let error as KafkaError where error.isQueueFull {
                // librdkafka's queue is full: room comes with the next delivery report.
                try Task.checkCancellation()
                await callbacks.takeUnretainedValue().waitForReport(after: reportsSeen)
            }
        }
    }

    /// How many partitions `topic` has, asked of the broker.
    package func partitionCount(of topic: String, timeout: Duration = .seconds(10)) async throws -> Int {
        try lease.acquire()
        defer { lease.release() }
        nonisolated(unsafe) let handle = self.handle
        let milliseconds = timeout.milliseconds32
        let (error, count) = await RdKafka.blocking { () -> (Int32, Int) in
            guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else { return (RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, 0) }
            defer { rd_kafka_topic_destroy(topicHandle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(handle, 0, topicHandle, &metadata, milliseconds)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return (error.rawValue, 0) }
            defer { rd_kafka_metadata_destroy(metadata) }
            guard metadata.pointee.topic_cnt > 0 else { return (RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue, 0) }
            let described = metadata.pointee.topics[0]
            if described.err != RD_KAFKA_RESP_ERR_NO_ERROR { return (described.err.rawValue, 0) }
            return (0, Int(described.partition_cnt))
        }
        if error != 0 {
            throw KafkaError(rd_kafka_resp_err_t(rawValue: error), context: "metadata of \(topic)")
        }
        return count
    }

    /// The low and high watermarks of each partition, asked of the broker all at once.
    package func watermarks(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: (low: Int64, high: Int64)] {
        try lease.acquire()
        defer { lease.release() }
        return try await RdKafka.watermarks(handle, partitions, timeout: timeout)
    }

    /// Per partition number, the high watermark a reader must reach to have read `partitions`
    /// to their end; a partition without records (never written, or emptied by retention, its
    /// low and high watermarks equal) is left out, as already read.
    package func endsToRead(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [Int32: Int64] {
        RdKafka.ends(try await watermarks(partitions, timeout: timeout))
    }

    /// Waits for every queued record to be acknowledged, up to `timeout`.
    package func flush(timeout: Duration = .seconds(10)) async throws {
        try lease.acquire()
        defer { lease.release() }
        nonisolated(unsafe) let handle = self.handle
        let milliseconds = timeout.milliseconds32
        let result = await RdKafka.blocking { rd_kafka_flush(handle, milliseconds).rawValue }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR.rawValue {
            throw KafkaError(code: result, message: "flush did not complete")
        }
    }

    /// Flushes, fails whatever is still unacknowledged and releases the client. Sends after this
    /// fail with `KafkaError.shutdown`.
    package func shutdown(timeout: Duration = .seconds(10)) async {
        try? await flush(timeout: timeout)
        guard state.withLock({ state in
            defer { state.closed = true }
            return !state.closed
        }) else { return }
        poller.stop()
        _ = lease.close()
        await RdKafka.blocking {
            self.lease.waitUntilUnused()
            self.destroy()
        }
    }

    /// Fails what is queued or in flight (each send sees a purge error) and destroys the handle, once.
    private func destroy() {
        state.withLock { state in
            state.closed = true
            guard !state.destroyed else { return }
            state.destroyed = true
            poller.stop()
            rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(handle, 0)
            rd_kafka_destroy(handle)
        }
    }

    private func enqueue(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        // A record without headers carries no header list: librdkafka would allocate one for it.
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            let list = rd_kafka_headers_new(message.headers.count)!
            for header in message.headers {
                header.value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                }
            }
            headers = list
        }
        let failure: OpaquePointer? = message.topic.withCString { topic in
            withOptionalBytes(message.value) { value in
                withOptionalBytes(message.key) { key in
                    var fields: [rd_kafka_vu_t] = []
                    fields.reserveCapacity(7)
                    fields.append(field(RD_KAFKA_VTYPE_TOPIC) { $0.cstr = topic })
                    if let value {
                        fields.append(field(RD_KAFKA_VTYPE_VALUE) {
                            $0.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                            $0.mem.size = value.count
                        })
                    }
                    if let key {
                        fields.append(field(RD_KAFKA_VTYPE_KEY) {
                            $0.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.mem.size = key.count
                        })
                    }
                    if let partition = message.partition {
                        fields.append(field(RD_KAFKA_VTYPE_PARTITION) { $0.i32 = partition })
                    }
                    fields.append(field(RD_KAFKA_VTYPE_MSGFLAGS) { $0.i = RD_KAFKA_MSG_F_COPY })
                    if let headers {
                        fields.append(field(RD_KAFKA_VTYPE_HEADERS) { $0.headers = headers })
                    }
                    fields.append(field(RD_KAFKA_VTYPE_OPAQUE) { $0.ptr = opaque })
                    return rd_kafka_produceva(handle, fields, fields.count)
                }
            }
        }
        guard let failure else { return nil }
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError(consuming: failure)
    }
}

/// What librdkafka's callbacks reach, through the configuration's opaque pointer: the owner's
/// fatal-error handler, called once, and the senders waiting for room in a full queue.
private final class ProducerCallbacks: Sendable {
    private let handler: (@Sendable (KafkaError) -> Void)?
    private let reportedFatal = Atomic<Bool>(false)
    private let reports = Mutex<(count: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))

    init(_ handler: (@Sendable (KafkaError) -> Void)?) { self.handler = handler }

    func report(_ error: KafkaError) {
        guard !reportedFatal.exchange(true, ordering: .acquiringAndReleasing) else { return }
        handler?(error)
    }

    /// Delivery reports so far; each one frees a place in the queue.
    var reportCount: Int { reports.withLock { $0.count } }

    /// Called from librdkafka's thread after each delivery report.
    func reported() {
        let waiting = reports.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count += 1
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once a delivery report came after the `seen`-th.
    func waitForReport(after seen: Int) async {
        await withCheckedContinuation { continuation in
            let now = reports.withLock { state -> Bool in
                guard state.count <= seen else { return true }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

private final class PendingDelivery {
    let continuation: CheckedContinuation<KafkaDeliveryReport, any Error>
    init(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) {
        self.continuation = continuation
    }
}

private func field(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t.__Unnamed_union_u) -> Void) -> rd_kafka_vu_t {
    var value = rd_kafka_vu_t()
    value.vtype = type
    set(&value.u)
    return value
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    // An empty value still needs a non-null pointer: a null one would mean a tombstone.
    let storage = bytes.isEmpty ? [0] : bytes
    return storage.withUnsafeBytes { body(UnsafeRawBufferPointer(start: $0.baseAddress, count: bytes.count)) }
}
