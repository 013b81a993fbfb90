import Foundation
import GatewayModel
import Kafka
import Logging

/// `nationalsystems.inbound` as the inbound flows write and read it: publish until Kafka has a
/// record, learn where a partition's next record will be, and read back which ids were published
/// from a point on (how a new owner learns what a stopped one published but did not record).
struct InboundTopic: Sendable {
    let name: String
    let partitions: Int
    /// The largest record published; what is larger is left out or refused by each flow.
    let maxRecordBytes: Int
    let producer: KafkaProducer
    let configuration: KafkaConfiguration
    let fatal: FatalCondition
    let metrics: GatewayMetrics
    let logger: Logger

    /// The partition of a dossier chosen by its code.
    func partition(of dossier: String) -> Int32 { StableHash.partition(of: dossier, among: partitions) }

    /// Where the next record of `partition` will be, asked again until known; nil when the gateway stops.
    func end(of partition: Int32) async -> Int64? {
        while !Task.isCancelled {
            do {
                return try await producer.watermarks([KafkaTopicPartition(topic: name, partition: partition)]).values.first?.high ?? 0
            } catch {
                metrics.producerErrors.increment()
                logger.warning("inbound watermark not read; retrying", metadata: ["partition": "\(partition)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        return nil
    }

    /// Publishes until Kafka acknowledges; nil when the gateway stops first.
    func publish(_ value: [UInt8], key: String, partition: Int32, what: String) async -> KafkaDeliveryReport? {
        let message = KafkaProducerMessage(topic: name, key: key, value: value, partition: partition)
        return await producer.sendDurably(message, what: what, fatal: fatal, metrics: metrics, logger: logger)
    }

    /// Hands each record's identity, key and offset to `each`, from `starts` (by partition) to the ends now.
    func identities(from starts: [Int32: Int64], each: (InboundEnvelope, _ key: String?, _ offset: Int64) -> Void) async throws {
        guard !starts.isEmpty else { return }
        let read = starts.keys.sorted().map { KafkaTopicPartition(topic: name, partition: $0) }
        try await readToEnd(read, from: starts, configuration: configuration, producer: producer, timeout: .seconds(30), logger: logger) { message in
            guard let envelope = try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data(message.value)) else { return }
            each(envelope, message.keyText, message.offset)
        }
    }
}
