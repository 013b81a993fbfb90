import CRdKafka

/// An error reported by librdkafka, with its numeric code and text.
package struct KafkaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// librdkafka's `rd_kafka_resp_err_t` value; negative codes are client-local.
    package let code: Int32
    package let message: String

    package init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ err: rd_kafka_resp_err_t, context: String? = nil) {
        let text = String(cString: rd_kafka_err2str(err))
        self.code = err.rawValue
        self.message = context.map { "\($0): \(text)" } ?? text
    }

    /// Takes ownership of a `rd_kafka_error_t` and destroys it.
    init(consuming error: OpaquePointer) {
        self.code = rd_kafka_error_code(error).rawValue
        self.message = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
    }

    static func configuration(_ text: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: text)
    }

    /// The client was shut down before the operation finished.
    package static let shutdown = KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, message: "client is shut down")

    package var isQueueFull: Bool { code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue }

    /// The client was shut down or destroyed (whatever the message says).
    package var isShutdown: Bool {
        code == RD_KAFKA_RESP_ERR__DESTROY.rawValue || code == RD_KAFKA_RESP_ERR__PURGE_QUEUE.rawValue || code == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT.rawValue
    }

    /// A produce error that sending the same record again can never cure: it is too large, the
    /// broker refuses its form, or the topic does not exist or may not be written.
    package var isPermanentForRecord: Bool {
        Self.permanentCodes.contains(code)
    }

    /// librdkafka raised a fatal error: the producer can send nothing more (idempotence broken).
    package var isFatal: Bool { code == RD_KAFKA_RESP_ERR__FATAL.rawValue }

    private static let permanentCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue,
        RD_KAFKA_RESP_ERR_INVALID_RECORD.rawValue,
        RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE.rawValue,
        RD_KAFKA_RESP_ERR_INVALID_MSG.rawValue,
        RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE.rawValue,
        RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS.rawValue,
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED.rawValue,
        RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION.rawValue,
        RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue,
        RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
    ]

    package var description: String { "KafkaError(\(code)): \(message)" }
}
