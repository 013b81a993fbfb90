import CRdKafka
import Foundation
import Logging
import Synchronization

/// The one place that builds librdkafka handles; everything C stays in this module.
enum RdKafka {
    static func makeConf(_ properties: [String: String]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.configuration("could not allocate a configuration")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // Only the name: librdkafka's text quotes the value, which may be a password.
                throw KafkaError.configuration("property \(name) is not accepted")
            }
        }
        // librdkafka's own log and errors go through swift-log, at matching levels, not to stderr.
        rd_kafka_conf_set_log_cb(conf) { _, level, facility, text in
            // A failed connection is reported once more, as an error, below.
            if let facility, String(cString: facility) == "FAIL" { return }
            RdKafka.log(syslogLevel: level, facility: facility.map { String(cString: $0) } ?? "-", text.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { _, error, reason, _ in
            RdKafka.logError(error, reason.map { String(cString: $0) } ?? "")
        }
        return conf
    }

    /// The logger librdkafka's lines go to, made on first use: after the process bootstrapped logging.
    static let logger = Logger(label: "librdkafka")

    static func log(syslogLevel: Int32, facility: String, _ text: String) {
        logger.log(level: level(syslog: syslogLevel), "\(text)", metadata: ["facility": "\(facility)"])
    }

    static func logError(_ error: Int32, _ reason: String) {
        let code = rd_kafka_resp_err_t(rawValue: error)
        let level: Logger.Level = code == RD_KAFKA_RESP_ERR__FATAL ? .critical : .warning
        logger.log(level: level, "\(reason)", metadata: ["error": "\(String(cString: rd_kafka_err2name(code)))"])
    }

    /// syslog(3) levels as swift-log's.
    static func level(syslog: Int32) -> Logger.Level {
        switch syslog {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// Creates a handle; on success librdkafka owns `conf`, on failure it is destroyed here.
    static func makeHandle(_ type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.configuration(text(errorText))
        }
        return handle
    }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func partitionList(_ entries: [(KafkaTopicPartition, Int64?)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)!
            if let offset { element.pointee.offset = offset }
        }
        return list
    }

    static func topicPartitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
        guard let list else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    /// The low and high watermarks of `partitions`, in two ListOffsets requests per leader
    /// (earliest, then latest) rather than two per partition. Ask through a handle that does not
    /// long-poll fetches: a broker answers one connection's requests in order, so a query sent
    /// behind a waiting fetch waits with it.
    static func watermarks(
        _ handle: OpaquePointer, _ partitions: [KafkaTopicPartition], timeout: Duration
    ) async throws -> [KafkaTopicPartition: (low: Int64, high: Int64)] {
        guard !partitions.isEmpty else { return [:] }
        nonisolated(unsafe) let handle = handle
        let milliseconds = timeout.milliseconds32
        func offsets(at position: Int64) async throws -> [KafkaTopicPartition: Int64] {
            let (failure, found) = await blocking { () -> (Int32, [KafkaTopicPartition: Int64]) in
                let list = partitionList(partitions.map { ($0, position) })
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let error = rd_kafka_offsets_for_times(handle, list, milliseconds)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { return (error.rawValue, [:]) }
                var found: [KafkaTopicPartition: Int64] = [:]
                for index in 0..<Int(list.pointee.cnt) {
                    let element = list.pointee.elems[index]
                    if element.err != RD_KAFKA_RESP_ERR_NO_ERROR { return (element.err.rawValue, [:]) }
                    found[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
                }
                return (0, found)
            }
            if failure != 0 { throw KafkaError(rd_kafka_resp_err_t(rawValue: failure), context: "watermarks of \(partitions.count) partitions") }
            return found
        }
        let low = try await offsets(at: Int64(RD_KAFKA_OFFSET_BEGINNING))
        let high = try await offsets(at: Int64(RD_KAFKA_OFFSET_END))
        return Dictionary(uniqueKeysWithValues: partitions.map { ($0, (low: low[$0] ?? 0, high: high[$0] ?? 0)) })
    }

    /// Per partition number, the high watermark a reader must reach to have read `marks`' partitions
    /// to their end; a partition without records (never written, or emptied by retention, its low
    /// and high watermarks equal) is left out, as already read.
    static func ends(_ marks: [KafkaTopicPartition: (low: Int64, high: Int64)]) -> [Int32: Int64] {
        Dictionary(uniqueKeysWithValues: marks.compactMap { entry in
            entry.value.low >= entry.value.high ? nil : (entry.key.partition, entry.value.high)
        })
    }

    /// Runs a blocking librdkafka call on a thread of its own, outside Swift's cooperative pool.
    ///
    /// Not on a shared pool: Dispatch gives a concurrent queue only a few threads on a small
    /// machine (four on two cores), so one broker slow to answer commits, or consumers slow to
    /// close, would hold up every other call of the process, a newly assigned partition's
    /// catch-up among them. These calls are few (a commit per interval, a query per
    /// assignment), so a thread each costs little.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "kafka-blocking"
            thread.start()
        }
    }
}

/// A dedicated OS thread that calls one librdkafka poll function until stopped,
/// so that waiting on librdkafka never occupies a cooperative thread.
final class PollThread: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, poll: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                poll()
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop and waits for the current poll to return.
    func stop() {
        if running.exchange(false, ordering: .acquiringAndReleasing) {
            finished.wait()
        }
    }
}

extension Duration {
    /// Whole milliseconds as librdkafka's timeouts take them, saturating.
    var milliseconds32: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds.multipliedReportingOverflow(by: 1_000).overflow ? Int64.max : seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}
