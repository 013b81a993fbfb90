import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach EMC and how this province is known to it.
package struct EMCConfiguration: Codable, Sendable {
    package var baseURL: String
    package var trackingPath: String
    /// The sender's identity at EMC.
    package var siteId: String
    /// Province code sent as the user's `LOCATION`.
    package var provinceCode: String
    package var timeoutMilliseconds: Int

    package init(baseURL: String, trackingPath: String = "/TrackingMCDT", siteId: String, provinceCode: String, timeoutMilliseconds: Int = 10_000) {
        self.baseURL = baseURL
        self.trackingPath = trackingPath
        self.siteId = siteId
        self.provinceCode = provinceCode
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
