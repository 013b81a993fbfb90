import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging

/// One record of `gateway.dlq`, as an operator looks at it.
package struct DeadLetterEntry: Codable, Sendable, Equatable {
    /// Where it sits on `gateway.dlq`: `partition:offset`, the id `gateway dlq show` takes.
    package var id: String
    package var dossierCode: String?
    package var target: String
    package var operation: String?
    package var errorClass: String?
    package var reason: String?
    package var httpStatus: String?
    package var attempts: Int?
    package var eventId: String?
    /// RFC 3339 in +07:00, as the gateway wrote it.
    package var deadLetteredAt: String?
    package var parkedBehind: String?
    /// Every header, `dlq.*` and the original event's; left out of `dlq list`.
    package var headers: [String: String]?
    /// The original event, as written (masked by the commands unless revealed); left out of `dlq list`.
    package var value: String?

    /// The entry without its headers and original event, as `dlq list` prints it.
    package var listed: DeadLetterEntry {
        var entry = self
        entry.headers = nil
        entry.value = nil
        return entry
    }
}

/// What `gateway dlq list` and `stats` select; every condition given must hold.
package struct DeadLetterFilter: Sendable {
    package var target: String?
    package var dossier: String?
    package var errorClass: String?
    package var operation: String?
    /// Event id (`dlq.event.id`).
    package var eventId: String?
    package var since: Date?
    package var until: Date?

    package init(target: String? = nil, dossier: String? = nil, errorClass: String? = nil, operation: String? = nil, eventId: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.target = target
        self.dossier = dossier
        self.errorClass = errorClass
        self.operation = operation
        self.eventId = eventId
        self.since = since
        self.until = until
    }

    package func matches(_ entry: DeadLetterEntry) -> Bool {
        if let target, entry.target != target { return false }
        if let dossier, entry.dossierCode != dossier { return false }
        if let errorClass, entry.errorClass != errorClass { return false }
        if let operation, entry.operation != operation { return false }
        if let eventId, entry.eventId != eventId { return false }
        if since != nil || until != nil {
            guard let text = entry.deadLetteredAt, let at = try? Date(text, strategy: .iso8601) else { return false }
            if let since, at < since { return false }
            if let until, at >= until { return false }
        }
        return true
    }
}

/// Reads `gateway.dlq` from its beginning to its end, for the operator's commands. Needs no
/// running gateway: only the broker.
package enum DeadLetterIndex {
    package static func read(_ configuration: GatewayConfiguration, environment: [String: String], timeout: Duration = .seconds(30), logger: Logger) async throws -> [DeadLetterEntry] {
        var entries: [DeadLetterEntry] = []
        try await readWholeTopic(configuration.kafka.dlqTopic, configuration, environment: environment, timeout: timeout, logger: logger) { message in
            entries.append(entry(message))
        }
        return entries.sorted { ($0.deadLetteredAt ?? "", $0.id) < ($1.deadLetteredAt ?? "", $1.id) }
    }

    /// A record as an entry; a record without `dlq.*` headers is listed with target `?`.
    package static func entry(_ message: KafkaConsumerMessage) -> DeadLetterEntry {
        var headers: [String: String] = [:]
        for header in message.headers { headers[header.key] = String(decoding: header.value, as: UTF8.self) }
        return DeadLetterEntry(
            id: "\(message.partition):\(message.offset)", dossierCode: message.keyText, target: headers[DeadLetter.Header.target] ?? "?",
            operation: headers[DeadLetter.Header.operation], errorClass: headers[DeadLetter.Header.errorClass],
            reason: headers[DeadLetter.Header.reason], httpStatus: headers[DeadLetter.Header.httpStatus],
            attempts: headers[DeadLetter.Header.attempts].flatMap { Int($0) }, eventId: headers[DeadLetter.Header.eventId],
            deadLetteredAt: headers[DeadLetter.Header.deadLetteredAt], parkedBehind: headers[DeadLetter.Header.parkedBehind],
            headers: headers, value: String(decoding: message.value, as: UTF8.self)
        )
    }

    /// Counts by target, by error class and by day (Vietnam time) of being dead-lettered.
    package static func stats(_ entries: [DeadLetterEntry]) -> (byTarget: [String: Int], byErrorClass: [String: Int], byDay: [String: Int]) {
        var byTarget: [String: Int] = [:], byErrorClass: [String: Int] = [:], byDay: [String: Int] = [:]
        for entry in entries {
            byTarget[entry.target, default: 0] += 1
            byErrorClass[entry.errorClass ?? "-", default: 0] += 1
            byDay[entry.deadLetteredAt.map { String($0.prefix(10)) } ?? "-", default: 0] += 1
        }
        return (byTarget, byErrorClass, byDay)
    }
}

/// The dossiers parked on `gateway.parked`: the latest record of each key, tombstones removed.
package enum ParkedIndex {
    package static func read(_ configuration: GatewayConfiguration, environment: [String: String], timeout: Duration = .seconds(30), logger: Logger) async throws -> [ParkedDossier] {
        var entries: [String: ParkedDossier] = [:]
        try await readWholeTopic(configuration.kafka.parkedTopic, configuration, environment: environment, timeout: timeout, logger: logger) { message in
            guard let key = message.keyText else { return }
            entries[key] = message.isTombstone ? nil : try? JSONCoding.decoder.decode(ParkedDossier.self, from: Data(message.value))
        }
        return entries.values.sorted { $0.key < $1.key }
    }

    /// How many events wait behind the one `parked` waits for now. Records written before the
    /// parking state kept its held-back events are counted from the dead letters parked behind it.
    package static func followers(of parked: ParkedDossier, in entries: [DeadLetterEntry]) -> Int {
        guard parked.followers.isEmpty else { return parked.waiting.count - 1 }
        return Set(entries.filter { $0.parkedBehind == parked.eventId && $0.dossierCode == parked.dossierCode && $0.target == parked.target.rawValue }.compactMap(\.eventId)).count
    }
}

/// Reads every partition of `topic` from its beginning to its end, for the operator's commands.
/// A producer is made only to ask for the partitions and their ends; it writes nothing.
private func readWholeTopic(
    _ topic: String, _ configuration: GatewayConfiguration, environment: [String: String], timeout: Duration, logger: Logger,
    apply: (KafkaConsumerMessage) throws -> Void
) async throws {
    let common = try configuration.operatorKafka(environment: environment)
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(common))
    do {
        let count = try await producer.partitionCount(of: topic, timeout: timeout)
        let partitions = (0..<count).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        try await readToEnd(partitions, configuration: common, producer: producer, timeout: timeout, logger: logger, apply: apply)
    } catch {
        await producer.shutdown()
        throw error
    }
    await producer.shutdown()
}

extension GatewayConfiguration {
    /// The Kafka client settings of the operator's commands: the gateway's own, another client id.
    package func operatorKafka(environment: [String: String]) throws -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: kafka.bootstrapServers, clientID: "gateway-operator", properties: try kafka.resolvedProperties(environment: environment))
    }
}

/// The result records written to `gateway.results` from the moment it is started on, for
/// following what a replay did.
package final class ResultWatch: Sendable {
    private let reader: KafkaConsumer

    /// Starts at the topic's current ends, so only what is written from now on is seen;
    /// `producer` only asks for the partitions and their ends.
    package init(_ configuration: GatewayConfiguration, producer: KafkaProducer, environment: [String: String], logger: Logger) async throws {
        let topic = configuration.kafka.resultsTopic
        let partitions = (0..<(try await producer.partitionCount(of: topic))).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        var reading = KafkaConsumerConfiguration(try configuration.operatorKafka(environment: environment), subscription: .partitions(partitions))
        reading.startOffsets = try await producer.endsToRead(partitions)
        reader = try KafkaConsumer(configuration: reading, logger: logger)
    }

    /// Hands each result record to `take` until it returns false or `deadline` passes.
    package func follow(until deadline: ContinuousClock.Instant, _ take: (ResultRecord) -> Bool) async {
        let timer = Task { [reader] in
            try? await Task.sleep(until: deadline)
            await reader.close()
        }
        defer { timer.cancel() }
        for await event in reader.events {
            guard case .message(let message) = event,
                  let record = try? JSONCoding.decoder.decode(ResultRecord.self, from: Data(message.value)) else { continue }
            if !take(record) { break }
        }
    }

    package func close() async {
        await reader.close()
    }
}
