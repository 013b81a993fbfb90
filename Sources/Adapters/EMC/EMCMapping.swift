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

        /// The compact JSON text EMC takes in `User`, keys in `JSONEncoder`'s sorted order as
        /// `EmbeddedJSON` writes them; written directly, since every call to EMC carries one.
        var embeddedJSON: String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(64 + ID_local.utf8.count + ID_QG.utf8.count + LOCATION.utf8.count)
            for (key, value) in [("ID_QG", ID_QG), ("ID_local", ID_local), ("LOCATION", LOCATION), ("TYPE", TYPE)] {
                bytes.append(bytes.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                JSONText.appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                JSONText.appendString(value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
            return String(decoding: bytes, as: UTF8.self)
        }
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
            User: user.embeddedJSON
        )
    }
}
