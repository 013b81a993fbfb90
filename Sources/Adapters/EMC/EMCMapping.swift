import AdapterSupport
import Foundation
import GatewayModel
import Logging

enum EMCMapping {
    /// EMC's `Status`: 0 other, 1 received, 2 being processed, 3 result returned.
    static func status(_ type: DossierEventType) -> Int {
        switch type {
        case .submitted, .received: 1
        case .progressed, .supplementRequested, .feeRequested, .suspended, .resolved: 2
        case .resultReturned: 3
        case .rejected, .withdrawn: 0
        }
    }

    struct User: Encodable {
        var ID_local: String
        var ID_QG: String
        var TYPE: Int
        var LOCATION: String
    }

    struct Transition: Encodable {
        var event: String
        var time: String
        var agency: String
    }

    static func tracking(_ event: DossierEvent, configuration: EMCConfiguration) -> EMCTracking {
        let data = event.data
        let online = data.channel == .online
        let user = User(
            ID_local: data.applicant.identityNumber ?? "",
            ID_QG: data.vneidVerified == true ? (data.applicant.identityNumber ?? "") : "",
            TYPE: data.applicant.kind == .citizen ? 1 : 2,
            LOCATION: configuration.provinceCode
        )
        return EMCTracking(
            CodeProfile: data.dossierCode,
            SiteId: configuration.siteId,
            CodeTTHC: data.procedure.code,
            NameTTHC: data.procedure.name,
            MaHoSo: data.dossierCode,
            Status: status(event.type),
            FormsReception: online ? 1 : 2,
            FormsPayments: data.paidOnline == true ? 1 : (data.fees?.isEmpty == false ? 2 : 0),
            Level: min(max(data.procedure.level ?? 3, 3), 4),
            IsFromDVCQG: 0,
            IsDVCBC: data.channel == .postal ? 1 : 0,
            Data: EmbeddedJSON.string(Transition(event: event.type.shortName, time: VietnamTime.compact(event.time), agency: data.agencyCode)),
            User: EmbeddedJSON.string(user)
        )
    }
}
