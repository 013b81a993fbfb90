import GatewayModel
import Logging

/// Where a finished delivery's records go: its dead letter, if any, and its result. The
/// runtime writes them to `gateway.dlq` and `gateway.results`.
package protocol OutcomeRecords: Sendable {
    /// Makes the records of `outcome` durable; false when the gateway stopped first.
    func record(_ outcome: DeliveryOutcome) async -> Bool
}

/// The one place a finished delivery is made durable, in this order: the dossier parked
/// behind a dead letter (or released once the event it waited behind went through), the dead
/// letter and the result, then the delivery mark. A target lane awaits it before it starts
/// the dossier's next delivery, so every effect of one event precedes those of the next.
package struct OutcomeWriter: Sendable {
    let parking: any ParkingLot
    let marks: any DeliveryMarks
    let records: any OutcomeRecords
    let logger: Logger

    package init(parking: any ParkingLot, marks: any DeliveryMarks, records: any OutcomeRecords, logger: Logger) {
        self.parking = parking
        self.marks = marks
        self.records = records
        self.logger = logger
    }

    /// False when the gateway stopped before every effect was durable: the event is then not
    /// finished, its offset stays uncommitted, and it is read again.
    package func write(_ outcome: DeliveryOutcome) async -> Bool {
        let delivery = outcome.delivery
        let dossier = delivery.event.dossierCode
        switch outcome.ending {
        case .deadLettered(_, _, let reason):
            let entry = ParkedDossier(dossierCode: dossier, target: delivery.target, eventId: delivery.event.id, reason: reason.rawValue)
            guard await parking.park(entry) else { return false }
            logger.warning("dossier parked for target", metadata: ["dossier": "\(dossier)", "target": "\(delivery.target)", "behind": "\(delivery.event.id)"])
        case .delivered:
            // The event the dossier waited behind went through after all (read again, or replayed).
            if await parking.parked(dossier, target: delivery.target)?.eventId == delivery.event.id {
                guard await parking.release(dossier, target: delivery.target) else { return false }
                logger.notice("dossier released: the event it was parked behind is delivered", metadata: ["dossier": "\(dossier)", "target": "\(delivery.target)"])
            }
        case .parked, .alreadyDelivered:
            break
        }
        guard await records.record(outcome) else { return false }
        if outcome.reachedTarget {
            guard await marks.markDelivered(delivery) else { return false }
        }
        return true
    }
}
