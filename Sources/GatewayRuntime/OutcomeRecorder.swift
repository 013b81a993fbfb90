import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging

/// Makes outcomes durable: dead letters on `gateway.dlq`, one result per (event × target)
/// on `gateway.results`. A send that can succeed later is retried until Kafka acknowledges it
/// or the gateway stops; nothing is dropped, and unacknowledged outcomes keep their offsets
/// uncommitted. A dead letter the topic refuses as it is (too large, malformed) is written
/// again without the original value, which stays readable at its original offset. A refusal
/// that no record can get past raises the fatal condition instead of being retried for ever.
struct OutcomeRecorder: OutcomeRecords {
    let producer: KafkaProducer
    let resultsTopic: String
    let dlqTopic: String
    let contractVersion: String
    /// The largest record written; a dead letter above it references its original instead.
    let maxRecordBytes: Int
    let statistics: GatewayStatistics
    let fatal: FatalCondition
    let logger: Logger

    /// Returns false when the gateway stopped before the outcome was durable.
    func record(_ outcome: DeliveryOutcome) async -> Bool {
        let delivery = outcome.delivery
        guard outcome.status != .alreadyDelivered else {
            statistics.record(outcome)
            return true
        }
        if outcome.isDeadLetter {
            let letter = DeadLetter(outcome: outcome, contractVersion: contractVersion)
            logger.log(level: outcome.status == .parked ? .warning : .error, "\(outcome.status.rawValue)", metadata: [
                LogKey.dossier: "\(delivery.event.dossierCode)", LogKey.target: "\(delivery.target)",
                LogKey.operation: "\(outcome.operations.last?.operation ?? "-")", "reason": "\(outcome.reason?.rawValue ?? "-")",
                LogKey.httpStatus: "\(outcome.failure?.httpStatus.map(String.init) ?? "none")",
                LogKey.errorClass: "\(outcome.failure?.errorClass?.rawValue ?? "-")", "attempts": "\(outcome.attempts)",
            ])
            guard await deadLetter(letter) else { return false }
        }
        let result = ResultRecord(outcome: outcome)
        let message = KafkaProducerMessage(topic: resultsTopic, key: delivery.event.dossierCode, value: result.encoded())
        guard await send(message) == .acknowledged else { return false }
        statistics.record(outcome)
        return true
    }

    func recordInvalid(_ origin: EventOrigin, reason: String) async -> Bool {
        let letter = DeadLetter(invalid: origin, reason: reason)
        logger.warning("invalid event dead-lettered", metadata: [
            "partition": "\(origin.partition)", "offset": "\(origin.offset)",
            "reason": "\(String(decoding: letter.headers.first { $0.key == DeadLetter.Header.reason }?.value ?? [], as: UTF8.self))",
        ])
        guard await deadLetter(letter) else { return false }
        statistics.recordInvalid()
        return true
    }

    private func deadLetter(_ letter: DeadLetter) async -> Bool {
        var letter = letter
        if letter.byteCount > maxRecordBytes {
            letter = letter.referencingOriginal(because: "larger than \(maxRecordBytes) bytes")
        }
        switch await send(message(letter)) {
        case .acknowledged:
            return true
        case .stopped:
            return false
        case .refused(let error):
            logger.error("dead letter refused as it is; writing it without the original value", metadata: ["error": "\(error)"])
            return await send(message(letter.referencingOriginal(because: "refused by \(dlqTopic): \(error.message)"))) == .acknowledged
        }
    }

    private func message(_ letter: DeadLetter) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: dlqTopic, key: letter.key, value: letter.value, headers: letter.headers.map(KafkaHeader.init))
    }

    enum SendResult: Equatable {
        case acknowledged
        /// The gateway is stopping, or can send nothing more.
        case stopped
        /// This record can never be written as it is.
        case refused(KafkaError)
    }

    /// Sends until acknowledged, retrying what may succeed later. A refusal of a small record
    /// means the topic itself refuses us: the gateway cannot make outcomes durable, so it stops.
    private func send(_ message: KafkaProducerMessage) async -> SendResult {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                _ = try await producer.send(message)
                return .acknowledged
            } catch let error as KafkaError where error.isShutdown {
                return .stopped
            } catch let error as KafkaError where error.isFatal {
                fatal.raise("the Kafka producer can send nothing more: \(error.message)")
                return .stopped
            } catch let error as KafkaError where error.isPermanentForRecord {
                let size = (message.key?.count ?? 0) + (message.value?.count ?? 0)
                if size + message.headers.reduce(0, { $0 + $1.key.utf8.count + $1.value.count }) <= 16_384 {
                    fatal.raise("topic \(message.topic) refuses even a small record: \(error.message)")
                    return .stopped
                }
                return .refused(error)
            } catch {
                statistics.producerError()
                logger.warning("outcome not yet durable, retrying", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        return .stopped
    }
}

extension KafkaHeader {
    init(_ header: EventOrigin.Header) {
        self.init(key: header.key, value: header.value)
    }
}
