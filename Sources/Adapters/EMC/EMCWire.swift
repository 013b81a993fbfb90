import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The body of `TrackingMCDT`.
struct EMCTracking: Codable, Equatable {
    var CodeProfile: String
    var SiteId: String
    var CodeTTHC: String
    var NameTTHC: String
    var MaHoSo: String
    var Status: Int
    var FormsReception: Int
    var FormsPayments: Int
    var Level: Int
    var IsFromDVCQG: Int
    var IsDVCBC: Int
    /// The transition, as a JSON string.
    var Data: String
    /// `{ID_local, ID_QG, TYPE, LOCATION}` as a JSON string.
    var User: String
}
