import Foundation
import GatewayModel

/// One thing an operator did, on `gateway.audit` (`Contracts/asyncapi.json`, `auditRecord`).
package struct AuditRecord: Codable, Sendable, Equatable {
    package enum Action: String, Codable, Sendable {
        /// A parked dossier's later events were let through again.
        case parkedRelease = "parked-release"
        /// The dead letter a dossier waited behind was abandoned, and its later events let through.
        case parkedSkip = "parked-skip"
    }

    package enum Result: String, Codable, Sendable {
        case done, failed
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
