import Foundation
import GatewayModel

/// One thing an operator did, on `gateway.audit` (`Contracts/asyncapi.json`, `auditRecord`).
package struct AuditRecord: Codable, Sendable, Equatable {
    package enum Action: String, Codable, Sendable {
        /// A parked dossier's later events were let through again.
        case parkedRelease = "parked-release"
        /// The dead letter a dossier waited behind was abandoned, and its later events let through.
        case parkedSkip = "parked-skip"
        /// Dead letters were sent again to their targets (`gateway replay`).
        case replay
        /// A dead letter was shown with its personal data in clear (`gateway dlq show --reveal`).
        case dlqReveal = "dlq-reveal"
    }

    package enum Result: String, Codable, Sendable {
        /// `partial`: a replay that delivered some of its events, not all.
        case done, partial, failed
    }

    package var action: Action
    package var `operator`: String
    /// RFC 3339 in +07:00.
    package var at: String
    package var target: String?
    package var dossierCode: String?
    package var behindEventId: String?
    package var reason: String?
    package var result: Result
    /// For a reveal: the dead letter shown.
    package var deadLetterId: String?
    /// For a replay: its id (`gateway.replay.id`), the filter it was given, what it counted, and when it started (`at` is its end).
    package var replayId: String?
    package var filter: [String: String]?
    package var counts: [String: Int]?
    package var startedAt: String?
    package var gatewayVersion: String = GatewayVersion.current

    package init(action: Action, operator: String, at: Date = Date(), target: String?, dossierCode: String?, behindEventId: String?, reason: String?, result: Result) {
        self.action = action
        self.operator = `operator`
        self.at = VietnamTime.rfc3339(at)
        self.target = target
        self.dossierCode = dossierCode
        self.behindEventId = behindEventId
        self.reason = reason
        self.result = result
    }

    package func encoded() -> [UInt8] { Array((try? JSONCoding.encoder.encode(self)) ?? Data()) }
}
