import AdapterSupport
import Foundation
import GatewayModel

/// The body of `TrackingMCDT`: `SiteId` an integer, the six codes strings, `User` a JSON string.
struct EMCTracking: Codable, Equatable {
    var CodeProfile: String
    var SiteId: Int
    var CodeTTHC: String
    var NameTTHC: String
    var MaHoSo: String
    var Status: String
    var FormsReception: String
    var FormsPayments: String
    var Level: String
    var IsFromDVCQG: String
    var IsDVCBC: String
    /// Always `""`: no public client puts anything here.
    var Data: String
    /// `{ID_local, ID_QG, TYPE, LOCATION}` as a JSON string.
    var User: String

    /// The older form-urlencoded variant: the same fields, camelCase names.
    var formFields: [(name: String, value: String)] {
        [
            ("codeProfile", CodeProfile), ("siteId", String(SiteId)), ("codeTTHC", CodeTTHC), ("nameTTHC", NameTTHC),
            ("maHoSo", MaHoSo), ("status", Status), ("formsReception", FormsReception), ("formsPayments", FormsPayments),
            ("level", Level), ("isFromDVCQG", IsFromDVCQG), ("isDVCBC", IsDVCBC), ("data", Data), ("user", User),
        ]
    }
}
