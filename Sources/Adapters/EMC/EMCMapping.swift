import AdapterSupport
import Foundation
import GatewayModel

enum EMCMapping {
    /// EMC's `Status` from `TrangThaiHoSo`: 1, 2 → 1 received; 4 → 2 being processed;
    /// 9, 10 → 3 result returned; anything else → 0 other. (4 "assigned" exists at EMC, but no
    /// dossier status leads to it.)
    static func status(_ type: DossierEventType) -> String {
        switch type.trangThaiHoSo {
        case 1, 2: "1"
        case 4: "2"
        case 9, 10: "3"
        default: "0"
        }
    }

    /// EMC's `Level`: 0 not an online service, 1 information only, 3 partly online, 4 fully
    /// online. Level 2 (forms online) counts as 1; no level known is 0.
    static func level(_ level: Int?) -> String {
        switch level {
        case 3: "3"
        case 4: "4"
        case 1, 2: "1"
        default: "0"
        }
    }

    struct User: Encodable {
        var ID_local: String
        var ID_QG: String
        var TYPE: String
        var LOCATION: String
    }

    static func tracking(_ event: DossierEvent, configuration: EMCConfiguration) -> EMCTracking {
        let data = event.data
        let identity = data.applicant.identityNumber ?? ""
        let user = User(
            ID_local: data.applicant.accountId ?? "",
            ID_QG: identity,
            TYPE: identity.count == 10 ? "1" : "2",
            LOCATION: configuration.provinceCode
        )
        return EMCTracking(
            CodeProfile: data.dossierCode,
            SiteId: configuration.siteId,
            CodeTTHC: data.procedure.code,
            NameTTHC: data.procedure.name,
            MaHoSo: data.dossierCode,
            Status: status(event.type),
            FormsReception: data.channel == .online ? "1" : "2",
            FormsPayments: data.paidOnline == true ? "1" : (data.fees?.isEmpty == false ? "2" : "0"),
            Level: level(data.procedure.level),
            IsFromDVCQG: data.fromNationalPortal == true ? "1" : "0",
            IsDVCBC: data.channel == .postal ? "1" : "0",
            Data: "",
            User: EmbeddedJSON.string(user)
        )
    }
}
