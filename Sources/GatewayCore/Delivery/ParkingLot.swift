import Foundation
import GatewayModel

/// A dossier whose deliveries to one target wait behind a dead-lettered event.
public struct ParkedDossier: Codable, Sendable, Equatable {
    public var dossierCode: String
    public var target: TargetName
    /// The dead-lettered event the dossier waits behind.
    public var eventId: String
    public var reason: String
    public var parkedAt: Date

    public init(dossierCode: String, target: TargetName, eventId: String, reason: String, parkedAt: Date = Date()) {
        self.dossierCode = dossierCode
        self.target = target
        self.eventId = eventId
        self.reason = reason
        self.parkedAt = parkedAt
    }

    /// The key of its record on the compacted `gateway.parked` topic.
    public var key: String { Self.key(dossierCode, target) }

    public static func key(_ dossierCode: String, _ target: TargetName) -> String { "\(target)/\(dossierCode)" }
}

/// Where parking state lives. The runtime keeps it in a compacted Kafka topic so it
/// follows a partition to whichever instance owns it.
public protocol ParkingLot: Sendable {
    func parked(_ dossierCode: String, target: TargetName) async -> ParkedDossier?
    /// Parks durably; false when the gateway stops before it is.
    func park(_ entry: ParkedDossier) async -> Bool
    /// Lets the dossier's next deliveries to `target` go out again; false when the gateway stops first.
    func release(_ dossierCode: String, target: TargetName) async -> Bool
}

/// Parking state held in memory only, for tests and single-process tools.
public actor InMemoryParkingLot: ParkingLot {
    private var entries: [String: ParkedDossier] = [:]

    public init() {}

    public func parked(_ dossierCode: String, target: TargetName) -> ParkedDossier? {
        entries[ParkedDossier.key(dossierCode, target)]
    }

    public func park(_ entry: ParkedDossier) -> Bool {
        entries[entry.key] = entry
        return true
    }

    public func release(_ dossierCode: String, target: TargetName) -> Bool {
        entries[ParkedDossier.key(dossierCode, target)] = nil
        return true
    }

    public var all: [ParkedDossier] { Array(entries.values) }
}
