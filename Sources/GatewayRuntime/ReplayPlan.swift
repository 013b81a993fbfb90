import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging

/// What `gateway replay` sends again. A dead letter is sent again only with its parked
/// (dossier × target): the events that dossier holds back for the target, from the next one
/// on, in the order the target must receive them, each as its latest dead letter.
package struct ReplayPlan: Sendable {
    /// One parked (dossier × target) and the dead letters it sends again.
    package struct Group: Sendable {
        package var parked: ParkedDossier
        /// In the order the target must receive them; the first is the parked dossier's next event.
        package var items: [DeadLetterEntry]
        /// Why the group stops before the last held-back event, when it does.
        package var shortfall: String?
        /// The partition of the events topic the dossier's events are on, which the replay goes to.
        package var partition: Int32
    }

    /// A selected dead letter that is not sent again, and why.
    package struct Refusal: Sendable, Encodable, Equatable {
        package var id: String
        package var dossierCode: String?
        package var target: String
        package var why: String
        /// True when nothing is wrong: its dossier no longer holds it back (delivered, released or skipped).
        /// False when it can never be replayed (an invalid or foreign record).
        package var settled: Bool
    }

    package var groups: [Group]
    package var refusals: [Refusal]

    package var itemCount: Int { groups.reduce(0) { $0 + $1.items.count } }

    /// Whether a selected dead letter can never be replayed (an invalid or foreign record).
    package var refusesSome: Bool { refusals.contains { !$0.settled } }

    /// - Parameters:
    ///   - selected: the dead letters the operator's filter chose.
    ///   - all: every record on the dead-letter topic, oldest first, to find the held-back events' letters.
    ///   - parked: the parked dossiers, as `gateway.parked` holds them now.
    package init(selected: [DeadLetterEntry], all: [DeadLetterEntry], parked: [ParkedDossier]) {
        let parkedByKey = Dictionary(parked.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        var latest: [String: DeadLetterEntry] = [:]
        for entry in all {
            guard let dossier = entry.dossierCode, let event = entry.eventId else { continue }
            latest[Self.letterKey(entry.target, dossier, event)] = entry
        }
        var touched: [String] = []
        var refusals: [Refusal] = []
        for entry in selected {
            func refuse(_ why: String, settled: Bool = true) {
                refusals.append(Refusal(id: entry.id, dossierCode: entry.dossierCode, target: entry.target, why: why, settled: settled))
            }
            guard AdapterRegistry.system(named: entry.target) != nil, let dossier = entry.dossierCode, let event = entry.eventId else {
                refuse("not the dead letter of a delivery (an invalid or foreign record has no target): correct the event at the one-stop instead", settled: false)
                continue
            }
            let key = ParkedDossier.key(dossier, TargetName(entry.target))
            guard let parked = parkedByKey[key] else {
                refuse("the dossier is not parked for \(entry.target) (released, skipped, or replayed to the end): sending this again could overtake its later events")
                continue
            }
            switch parked.standing(of: event) {
            case .through:
                refuse("delivered already by an earlier replay")
            case .unknown:
                refuse("not held back by the parked dossier, which waits behind \(parked.next ?? parked.eventId)")
            case .next, .waiting:
                if !touched.contains(key) { touched.append(key) }
            }
        }
        var groups: [Group] = []
        for key in touched {
            let parked = parkedByKey[key]!
            var items: [DeadLetterEntry] = []
            var shortfall: String?
            for event in parked.waiting {
                guard let letter = latest[Self.letterKey(parked.target.rawValue, parked.dossierCode, event)] else {
                    shortfall = "held-back event \(event) has no dead letter on the dead-letter topic (retention?); the events from it on stay parked"
                    break
                }
                if let omitted = letter.headers?[DeadLetter.Header.valueOmitted] {
                    shortfall = "dead letter \(letter.id) was written without its event (\(omitted)); the events from it on stay parked"
                    break
                }
                items.append(letter)
            }
            let partition = items.first?.headers?[DeadLetter.Header.originalPartition].flatMap { Int32($0) } ?? 0
            groups.append(Group(parked: parked, items: items, shortfall: shortfall, partition: partition))
        }
        self.groups = groups.sorted { ($0.parked.parkedAt, $0.parked.key) < ($1.parked.parkedAt, $1.parked.key) }
        self.refusals = refusals
    }

    private static func letterKey(_ target: String, _ dossier: String, _ event: String) -> String { "\(target)/\(dossier)/\(event)" }

    /// The record that sends `letter` again: the original key, value and headers (without the
    /// dead letter's own and an earlier replay's), the replay's headers, on the dossier's partition.
    package static func record(for letter: DeadLetterEntry, in group: Group, replayID: String, eventsTopic: String) -> KafkaProducerMessage {
        let replay = Replay(target: group.parked.target, id: replayID, deadLetter: letter.id)
        let original = (letter.headers ?? [:])
            .filter { !$0.key.hasPrefix("dlq.") && !Replay.Header.all.contains($0.key) }
            .sorted { $0.key < $1.key }
            .map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) }
        return KafkaProducerMessage(
            topic: eventsTopic, key: group.parked.dossierCode, value: Array((letter.value ?? "").utf8),
            headers: original + replay.headers.map { KafkaHeader(key: $0.key, value: $0.value) }, partition: group.partition
        )
    }
}

/// Checks a dead letter against today's contract without sending anything: the event is decoded
/// again, routed, and handed to the target's adapter over a transport that records the requests
/// the adapter builds and answers none.
package struct ReplayRehearsal: Sendable {
    /// What a rehearsal found.
    package struct Finding: Sendable, Encodable, Equatable {
        /// False when the event would fail again before reaching the system.
        package var passes: Bool
        package var detail: String
    }

    private let configuration: GatewayConfiguration
    private let environment: [String: String]
    private let logger: Logger

    package init(configuration: GatewayConfiguration, environment: [String: String], logger: Logger) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
    }

    package func check(_ letter: DeadLetterEntry, target: TargetName) async -> Finding {
        let event: DossierEvent
        do throws(InvalidEvent) {
            event = try DossierEventDecoder.decode(Array((letter.value ?? "").utf8), key: letter.dossierCode ?? "")
        } catch {
            return Finding(passes: false, detail: "invalid under today's event contract: \(error.reason)")
        }
        let transport = RecordingTransport()
        let adapter: any TargetAdapter
        let router: Router
        do {
            guard let system = AdapterRegistry.system(named: target.rawValue), configuration.targets[target.rawValue]?.enabled == true else {
                return Finding(passes: false, detail: "\(target) is not configured and enabled")
            }
            adapter = try configuration.makeAdapter(system, transport: transport, environment: environment, logger: logger)
            router = try Router(rules: configuration.routes.filter { $0.target == target }, adapters: [adapter])
        } catch {
            return Finding(passes: false, detail: "not checked: \(error)")
        }
        guard let route = router.routes(for: event).first else {
            return Finding(passes: false, detail: "today's routing sends this event to no operation of \(target)")
        }
        let delivery = Delivery(event: event, target: target, operations: route.operations, origin: EventOrigin(topic: "", partition: 0, offset: 0, timestampMilliseconds: nil, key: nil, value: [], headers: []))
        for operation in route.operations {
            let answer: OperationAnswer
            do {
                answer = try await adapter.perform(operation, for: event, idempotencyKey: delivery.idempotencyKey(for: operation))
            } catch {
                answer = error.answer
            }
            if answer.scope == .local, answer.verdict == .permanent {
                return Finding(passes: false, detail: "\(operation) would fail again: \(answer.errorClass?.rawValue ?? "permanent"): \(answer.excerpt)")
            }
        }
        let requests = await transport.count
        return Finding(passes: true, detail: "\(route.operations.joined(separator: ", ")): \(requests) request\(requests == 1 ? "" : "s") built, none sent")
    }
}

/// A transport that sends nothing: it counts the requests and answers each as refused.
private actor RecordingTransport: HTTPTransport {
    private(set) var count = 0

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        count += 1
        throw TransportError(.connectionRefused, "a rehearsal sends nothing")
    }
}
