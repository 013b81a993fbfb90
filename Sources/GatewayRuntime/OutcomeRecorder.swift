import Foundation
import GatewayCore
import Kafka
import Logging

/// Makes outcomes durable: dead letters on `gateway.dlq`, one result per (event × target)
/// on `gateway.results`. A send is retried until Kafka acknowledges it or the gateway stops;
/// nothing is ever dropped, and unacknowledged outcomes keep their offsets uncommitted.
struct OutcomeRecorder: Sendable {
    let producer: KafkaProducer
    let resultsTopic: String
    let dlqTopic: String
    let contractVersion: String
    let statistics: GatewayStatistics
    let logger: Logger

    /// Returns false when the gateway stopped before the outcome was durable.
    func record(_ outcome: DeliveryOutcome) async -> Bool {
        let delivery = outcome.delivery
        if outcome.isDeadLetter {
            let letter = DeadLetter(outcome: outcome, contractVersion: contractVersion)
            logger.log(level: outcome.status == .parked ? .warning : .error, "\(outcome.status.rawValue)", metadata: [
                "dossier": "\(delivery.event.dossierCode)", "target": "\(delivery.target)",
                "operation": "\(outcome.operations.last?.operation ?? "-")", "reason": "\(outcome.reason ?? "-")",
                "http.status": "\(outcome.failure?.httpStatus.map(String.init) ?? "none")",
                "error.class": "\(outcome.failure?.errorClass ?? "-")", "attempts": "\(outcome.attempts)",
            ])
            guard await send(KafkaProducerMessage(topic: dlqTopic, key: letter.key, value: letter.value, headers: letter.headers.map(KafkaHeader.init))) else { return false }
        }
        let result = ResultRecord(outcome: outcome)
        guard await send(KafkaProducerMessage(topic: resultsTopic, key: delivery.event.dossierCode, value: result.encoded())) else { return false }
        statistics.record(outcome)
        return true
    }

    func recordInvalid(_ origin: EventOrigin, reason: String) async -> Bool {
        let letter = DeadLetter(invalid: origin, reason: reason)
        logger.warning("invalid event dead-lettered", metadata: [
            "partition": "\(origin.partition)", "offset": "\(origin.offset)", "reason": "\(Redaction.mask(reason))",
        ])
        guard await send(KafkaProducerMessage(topic: dlqTopic, key: letter.key, value: letter.value, headers: letter.headers.map(KafkaHeader.init))) else { return false }
        statistics.recordInvalid()
        return true
    }

    private func send(_ message: KafkaProducerMessage) async -> Bool {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                _ = try await producer.send(message)
                return true
            } catch let error as KafkaError where error == .shutdown {
                return false
            } catch {
                logger.warning("outcome not yet durable, retrying", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        return false
    }
}

extension KafkaHeader {
    init(_ header: EventOrigin.Header) {
        self.init(key: header.key, value: header.value)
    }
}
