import GatewayModel
import Logging

/// Where a finished delivery's records go: its dead letter, if any, and its result. The
/// runtime writes them to `gateway.dlq` and `gateway.results`.
package protocol OutcomeRecords: Sendable {
    /// Makes the records of `outcome` durable; false when the gateway stopped first.
    func record(_ outcome: DeliveryOutcome) async -> Bool
}

/// The one place a finished delivery is made durable, in this order: the parking state (a
/// dossier parked behind a dead letter, an event held back behind it, a held-back event
/// through, or the dossier released once the last is through), the dead letter and the
/// result, then the delivery mark. A target lane awaits it before it starts
/// the dossier's next delivery, so every effect of one event precedes those of the next.
package struct OutcomeWriter: Sendable {
    let parking: any ParkingLot
    let marks: any DeliveryMarks
    let records: any OutcomeRecords
    let followUp: (any DeliveryFollowUp)?
    let logger: Logger

    package init(parking: any ParkingLot, marks: any DeliveryMarks, records: any OutcomeRecords, followUp: (any DeliveryFollowUp)? = nil, logger: Logger) {
        self.parking = parking
        self.marks = marks
        self.records = records
        self.followUp = followUp
        self.logger = logger
    }

    /// False when the gateway stopped before every effect was durable: the event is then not
    /// finished, its offset stays uncommitted, and it is read again.
    package func write(_ outcome: DeliveryOutcome) async -> Bool {
        let delivery = outcome.delivery
        let dossier = delivery.event.dossierCode
        let parked = await parking.parked(dossier, target: delivery.target)
        let isNext = parked?.standing(of: delivery.event.id) == .next
        switch outcome.ending {
        case .deadLettered(_, _, let reason):
            if isNext {
                // Held back already, and failed again at its turn: the dossier stays parked behind it.
                break
            }
            let entry = ParkedDossier(dossierCode: dossier, target: delivery.target, eventId: delivery.event.id, reason: reason.rawValue)
            guard await parking.park(entry) else { return false }
            logger.warning("dossier parked for target", metadata: [LogKey.dossier: "\(dossier)", LogKey.target: "\(delivery.target)", "behind": "\(delivery.event.id)"])
        case .delivered:
            // The next held-back event went through (replayed, or read again).
            guard let parked, isNext else { break }
            if let advanced = parked.advanced() {
                guard await parking.park(advanced) else { return false }
            } else {
                guard await parking.release(dossier, target: delivery.target) else { return false }
                logger.notice("dossier released: every event held back is delivered", metadata: [LogKey.dossier: "\(dossier)", LogKey.target: "\(delivery.target)"])
            }
        case .parked:
            // Held back from now on, in the order read; a record read again is there already.
            guard var parked, parked.standing(of: delivery.event.id) == .unknown else { break }
            parked.followers.append(delivery.event.id)
            guard await parking.park(parked) else { return false }
        case .alreadyDelivered, .notReplayed:
            break
        }
        guard await records.record(outcome) else { return false }
        if outcome.reachedTarget {
            if let followUp { guard await followUp.reached(delivery) else { return false } }
            guard await marks.markDelivered(delivery) else { return false }
        }
        return true
    }
}

/// What must follow a delivery that reached its target, made durable before the delivery is
/// marked (the civil registry's registrations are watched for their results). A delivery read
/// again after a crash reaches its follow-up again, so `reached` must be idempotent.
package protocol DeliveryFollowUp: Sendable {
    /// False when the gateway stopped before the follow-up was durable.
    func reached(_ delivery: Delivery) async -> Bool
}
