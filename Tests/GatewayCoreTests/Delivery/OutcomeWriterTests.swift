import GatewayCore
import GatewayModel
import Logging
import Synchronization
import Testing

/// Parking, marks and records that log what was asked of them, in order.
final class EffectLog: ParkingLot, DeliveryMarks, OutcomeRecords {
    private let state = Mutex<(effects: [String], parked: [String: ParkedDossier], refuseRecords: Bool)>(([], [:], false))

    var effects: [String] { state.withLock { $0.effects } }
    func refuseRecords() { state.withLock { $0.refuseRecords = true } }

    func parked(_ dossierCode: String, target: TargetName) async -> ParkedDossier? {
        state.withLock { $0.parked[ParkedDossier.key(dossierCode, target)] }
    }

    func park(_ entry: ParkedDossier) async -> Bool {
        state.withLock { $0.effects.append("park \(entry.sequence.joined(separator: ",")) through \(entry.replayed)"); $0.parked[entry.key] = entry }
        return true
    }

    func release(_ dossierCode: String, target: TargetName) async -> Bool {
        state.withLock { $0.effects.append("release"); $0.parked[ParkedDossier.key(dossierCode, target)] = nil }
        return true
    }

    func isDelivered(_ delivery: Delivery) async -> Bool { false }

    func markDelivered(_ delivery: Delivery) async -> Bool {
        state.withLock { $0.effects.append("mark \(delivery.event.id)") }
        return true
    }

    func memory(for delivery: Delivery) async -> JSONValue? { nil }

    func keep(_ memory: JSONValue?, finished: Bool, for delivery: Delivery) async -> Bool {
        state.withLock { $0.effects.append("keep \(delivery.event.id)") }
        return true
    }

    func record(_ outcome: DeliveryOutcome) async -> Bool {
        state.withLock { state in
            guard !state.refuseRecords else { return false }
            state.effects.append("record \(outcome.status.rawValue)")
            return true
        }
    }
}

@Suite struct OutcomeWriterTests {
    func outcome(_ status: DeliveryOutcome.Status, event: String) throws -> DeliveryOutcome {
        var dossierEvent = try Fixtures.event(dossier: 1, step: 0)
        dossierEvent.id = event
        let delivery = Delivery(event: dossierEvent, target: "scripted", operations: ["op"], origin: Fixtures.origin())
        switch status {
        case .deadLettered: return DeliveryOutcome(delivery, .deadLettered([], failure: OperationAnswer(verdict: .permanent), reason: .permanent))
        case .parked: return DeliveryOutcome(delivery, .parked(behind: ParkedDossier(dossierCode: dossierEvent.dossierCode, target: "scripted", eventId: "e-1", reason: "permanent")))
        case .alreadyDelivered: return DeliveryOutcome(delivery, .alreadyDelivered)
        case .notReplayed: return DeliveryOutcome(delivery, .notReplayed(.outOfTurn))
        case .delivered, .duplicate: return DeliveryOutcome(delivery, .delivered([], duplicate: status == .duplicate))
        }
    }

    func writer(_ log: EffectLog) -> OutcomeWriter {
        OutcomeWriter(parking: log, marks: log, records: log, logger: Logger(label: "test"))
    }

    @Test func aDeadLetterParksItsDossierBeforeItIsRecorded() async throws {
        let log = EffectLog()
        #expect(await writer(log).write(try outcome(.deadLettered, event: "e-1")))
        #expect(log.effects == ["park e-1 through 0", "record dead-lettered"])
    }

    @Test func theEventsHeldBackGoThroughInTheirOrderAndTheLastReleasesTheDossier() async throws {
        let log = EffectLog()
        let writer = writer(log)
        #expect(await writer.write(try outcome(.deadLettered, event: "e-1")))
        #expect(await writer.write(try outcome(.parked, event: "e-2")))
        #expect(await writer.write(try outcome(.parked, event: "e-3")))
        // Read again after a restart: held back already, not added twice.
        #expect(await writer.write(try outcome(.parked, event: "e-2")))
        #expect(await writer.write(try outcome(.delivered, event: "e-1")))
        #expect(await writer.write(try outcome(.delivered, event: "e-2")))
        #expect(await writer.write(try outcome(.notReplayed, event: "e-2")))
        #expect(await writer.write(try outcome(.delivered, event: "e-3")))
        #expect(await writer.write(try outcome(.delivered, event: "e-4")))
        #expect(log.effects == [
            "park e-1 through 0", "record dead-lettered",
            "park e-1,e-2 through 0", "record parked",
            "park e-1,e-2,e-3 through 0", "record parked",
            "record parked",
            "park e-1,e-2,e-3 through 1", "record delivered", "mark e-1",
            "park e-1,e-2,e-3 through 2", "record delivered", "mark e-2",
            "record not-replayed",
            "release", "record delivered", "mark e-3",
            "record delivered", "mark e-4",
        ])
    }

    @Test func aHeldBackEventThatFailsAgainKeepsTheDossierParkedBehindIt() async throws {
        let log = EffectLog()
        let writer = writer(log)
        #expect(await writer.write(try outcome(.deadLettered, event: "e-1")))
        #expect(await writer.write(try outcome(.parked, event: "e-2")))
        #expect(await writer.write(try outcome(.delivered, event: "e-1")))
        #expect(await writer.write(try outcome(.deadLettered, event: "e-2")))
        #expect(log.effects.suffix(4) == ["park e-1,e-2 through 1", "record delivered", "mark e-1", "record dead-lettered"])
        #expect(await log.parked(try Fixtures.event(dossier: 1, step: 0).dossierCode, target: "scripted")?.next == "e-2")
    }

    @Test func nothingAfterARecordThatIsNotDurable() async throws {
        let log = EffectLog()
        log.refuseRecords()
        #expect(await writer(log).write(try outcome(.delivered, event: "e-1")) == false)
        #expect(log.effects.isEmpty, "no mark without its result: \(log.effects)")
    }
}
