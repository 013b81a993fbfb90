import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach EMC and how this province is known to it.
public struct EMCConfiguration: Codable, Sendable {
    public var baseURL: String
    public var trackingPath: String
    /// The sender's identity at EMC.
    public var siteId: String
    /// Province code sent as the user's `LOCATION`.
    public var provinceCode: String
    public var timeoutMilliseconds: Int

    public init(baseURL: String, trackingPath: String = "/TrackingMCDT", siteId: String, provinceCode: String, timeoutMilliseconds: Int = 10_000) {
        self.baseURL = baseURL
        self.trackingPath = trackingPath
        self.siteId = siteId
        self.provinceCode = provinceCode
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
