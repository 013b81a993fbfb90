import Foundation
import GatewayModel

/// A dossier whose deliveries to one target wait behind a dead-lettered event.
///
/// The events held back form one sequence: the dead-lettered event, then every later event
/// of the dossier parked behind it, in the order they were read. A replay sends them to the
/// target one by one in that order; `replayed` counts those already through. The dossier is
/// released when the last one is through, so nothing read meanwhile can overtake them.
package struct ParkedDossier: Codable, Sendable, Equatable {
    package var dossierCode: String
    package var target: TargetName
    /// The dead-lettered event the dossier waits behind.
    package var eventId: String
    package var reason: String
    package var parkedAt: Date
    /// The events parked behind `eventId`, in the order they were read.
    package var followers: [String]
    /// How many events of `sequence` have reached the target since the dossier was parked.
    package var replayed: Int

    package init(dossierCode: String, target: TargetName, eventId: String, reason: String, parkedAt: Date = Date(), followers: [String] = [], replayed: Int = 0) {
        self.dossierCode = dossierCode
        self.target = target
        self.eventId = eventId
        self.reason = reason
        self.parkedAt = parkedAt
        self.followers = followers
        self.replayed = replayed
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dossierCode = try container.decode(String.self, forKey: .dossierCode)
        target = try container.decode(TargetName.self, forKey: .target)
        eventId = try container.decode(String.self, forKey: .eventId)
        reason = try container.decode(String.self, forKey: .reason)
        parkedAt = try container.decode(Date.self, forKey: .parkedAt)
        // Records written before replay existed carry neither.
        followers = try container.decodeIfPresent([String].self, forKey: .followers) ?? []
        replayed = try container.decodeIfPresent(Int.self, forKey: .replayed) ?? 0
    }

    /// The key of its record on the compacted `gateway.parked` topic.
    package var key: String { Self.key(dossierCode, target) }

    package static func key(_ dossierCode: String, _ target: TargetName) -> String { "\(target)/\(dossierCode)" }

    /// Every event held back, in the order the target must receive them.
    package var sequence: [String] { [eventId] + followers }

    /// The event that may go to the target next; the others wait.
    package var next: String? { replayed < sequence.count ? sequence[replayed] : nil }

    /// The events still waiting, `next` first.
    package var waiting: ArraySlice<String> { sequence[min(replayed, sequence.count)...] }

    /// Where `eventId` stands: through already, next, or waiting behind `next`.
    package func standing(of eventId: String) -> Standing {
        if next == eventId { return .next }
        if sequence[..<min(replayed, sequence.count)].contains(eventId) { return .through }
        return sequence.contains(eventId) ? .waiting : .unknown
    }

    package enum Standing: Sendable, Equatable {
        case through, next, waiting, unknown
    }

    /// After the next event reached the target: the entry still parked, or nil when the whole sequence is through.
    package func advanced() -> ParkedDossier? {
        var entry = self
        entry.replayed += 1
        return entry.next == nil ? nil : entry
    }
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
