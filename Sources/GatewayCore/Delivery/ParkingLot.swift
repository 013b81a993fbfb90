import Foundation
import GatewayModel

/// A dossier whose deliveries to one target wait behind a dead-lettered event.
package struct ParkedDossier: Codable, Sendable, Equatable {
    package var dossierCode: String
    package var target: TargetName
    /// The dead-lettered event the dossier waits behind.
    package var eventId: String
    package var reason: String
    package var parkedAt: Date

    package init(dossierCode: String, target: TargetName, eventId: String, reason: String, parkedAt: Date = Date()) {
        self.dossierCode = dossierCode
        self.target = target
        self.eventId = eventId
        self.reason = reason
        self.parkedAt = parkedAt
    }

    /// The key of its record on the compacted `gateway.parked` topic.
    package var key: String { Self.key(dossierCode, target) }

    package static func key(_ dossierCode: String, _ target: TargetName) -> String { "\(target)/\(dossierCode)" }
}

/// What the engine asks of parking state: is this dossier parked for this target?
package protocol ParkingState: Sendable {
    func parked(_ dossierCode: String, target: TargetName) async -> ParkedDossier?
}

/// Where parking state lives. The runtime keeps it in a compacted Kafka topic so it
/// follows a partition to whichever instance owns it; only `OutcomeWriter` writes it.
package protocol ParkingLot: ParkingState {
    /// Parks durably; false when the gateway stops before it is.
    func park(_ entry: ParkedDossier) async -> Bool
    /// Lets the dossier's next deliveries to `target` go out again; false when the gateway stops first.
    func release(_ dossierCode: String, target: TargetName) async -> Bool
}

/// Parking state held in memory only, for tests and single-process tools.
package actor InMemoryParkingLot: ParkingLot {
    private var entries: [String: ParkedDossier] = [:]

    package init() {}

    package func parked(_ dossierCode: String, target: TargetName) -> ParkedDossier? {
        entries[ParkedDossier.key(dossierCode, target)]
    }

    package func park(_ entry: ParkedDossier) -> Bool {
        entries[entry.key] = entry
        return true
    }

    package func release(_ dossierCode: String, target: TargetName) -> Bool {
        entries[ParkedDossier.key(dossierCode, target)] = nil
        return true
    }

    package var all: [ParkedDossier] { Array(entries.values) }
}
