import Foundation
import GatewayModel
import Kafka
import Logging
import SampleTraffic

/// The one-stop's side of the inbound direction, in the dev stack: reads
/// `nationalsystems.inbound` and, when the civil registry issues or refuses a registration the
/// sample traffic left waiting, publishes the one-stop's next events for that dossier (the
/// resolved event carries the registry's result, which the gateway sends to BCA as status 4).
package actor OneStopStandIn {
    private let traffic: SampleTraffic
    private let stack: DevStack
    private let logger: Logger
    /// Dossiers waiting for the registry: their latest data, by dossier code.
    private var waiting: [String: DossierData] = [:]
    private var answered: Set<String> = []
    /// Waiting dossiers whose latest event forwarded them (BCA status 7, after which 4 may come).
    private var forwarded: Set<String> = []
    /// The registry's answers read, by state.
    package private(set) var inbound: [String: Int] = [:]
    /// Interconnected dossiers the BCA portal handed over, read from the inbound topic.
    package private(set) var portalDossiers: Set<String> = []
    /// Other inbound events read, by type.
    package private(set) var others: [String: Int] = [:]
    /// Events the stand-in published on `dossier.events`.
    package private(set) var published = 0
    private var seen: Set<String> = []

    package init(traffic: SampleTraffic, stack: DevStack, logger: Logger) {
        self.traffic = traffic
        self.stack = stack
        self.logger = logger
    }

    /// Notes the sample events sent: a civil-status dossier of an interconnected procedure that
    /// was received, and is not withdrawn, rejected or suspended, waits for the registry.
    package func sent(_ events: [DossierEvent]) {
        for event in events where traffic.awaitsRegistry(event.data) {
            switch event.type {
            case .received, .progressed, .supplementRequested, .feeRequested:
                if event.type == .received || waiting[event.dossierCode] != nil { waiting[event.dossierCode] = event.data }
                if event.type == .progressed { forwarded.insert(event.dossierCode) } else { forwarded.remove(event.dossierCode) }
            default:
                waiting[event.dossierCode] = nil
            }
        }
    }

    /// Inbound events read twice: none, if the gateway keeps its word.
    package private(set) var duplicates = 0

    /// Dossiers still waiting for the registry's final answer.
    package var outstanding: Int { waiting.keys.count { !answered.contains($0) } }
    package var answeredCount: Int { answered.count }

    /// Reads the inbound topic from its beginning until cancelled.
    package func run() async throws {
        let partitions = (0..<stack.partitions).map { KafkaTopicPartition(topic: DevStack.topics.inbound, partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                KafkaConfiguration(bootstrapServers: stack.cluster.bootstrapServers, clientID: "dev-one-stop"), subscription: .partitions(partitions)
            ),
            logger: logger
        )
        await withTaskCancellationHandler {
            for await event in consumer.events {
                guard case .message(let message) = event,
                      let envelope = try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data(message.value)) else { continue }
                if envelope.type.hasPrefix(RegistryAnswer.typePrefix), let answer = try? JSONCoding.decoder.decode(RegistryAnswerEvent.self, from: Data(message.value)) {
                    await receive(answer)
                } else {
                    note(envelope)
                }
            }
        } onCancel: {
            Task { await consumer.close() }
        }
        await consumer.close()
    }

    private func note(_ envelope: InboundEnvelope) {
        guard seen.insert(envelope.id).inserted else {
            duplicates += 1
            logger.error("inbound event read twice", metadata: ["id": "\(envelope.id)"])
            return
        }
        if envelope.type == PortalDossier.type { portalDossiers.insert(envelope.subject) } else { others[envelope.type, default: 0] += 1 }
    }

    private func receive(_ event: RegistryAnswerEvent) async {
        guard seen.insert(event.id).inserted else {
            duplicates += 1
            logger.error("inbound event read twice", metadata: ["id": "\(event.id)"])
            return
        }
        inbound[event.data.state, default: 0] += 1
        let dossier = event.data.dossierCode
        guard let template = waiting[dossier], !answered.contains(dossier) else { return }
        let next = traffic.answer(to: event.data, template: template, forwarded: forwarded.contains(dossier))
        guard !next.isEmpty else { return }
        do {
            try await stack.produce(next)
            published += next.count
            answered.insert(dossier)
        } catch {
            logger.error("the one-stop's answer was not published", metadata: ["dossier": "\(dossier)", "error": "\(error)"])
        }
    }
}
