import AdapterSupport
import Foundation
import GatewayModel

/// How to reach EMC and how this province is known to it.
package struct EMCConfiguration: Codable, Sendable {
    /// How the record travels: JSON with EMC's PascalCase names, or the older form-urlencoded
    /// variant with the same fields in camelCase.
    package enum Format: String, Codable, Sendable {
        case json
        case form
    }

    package var baseURL: String
    package var trackingPath: String
    /// The sender's identity at EMC: an integer EMC assigns.
    package var siteId: Int
    /// Province code sent as the user's `LOCATION`.
    package var provinceCode: String
    package var format: Format
    package var headers: ConfiguredHeaders
    package var timeoutMilliseconds: Int

    package init(baseURL: String, trackingPath: String = "/TrackingMCDT", siteId: Int, provinceCode: String, format: Format = .json, headers: ConfiguredHeaders = .init(), timeoutMilliseconds: Int = 10_000) {
        self.baseURL = baseURL
        self.trackingPath = trackingPath
        self.siteId = siteId
        self.provinceCode = provinceCode
        self.format = format
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    enum CodingKeys: String, CodingKey { case baseURL, trackingPath, siteId, provinceCode, format, headers, timeoutMilliseconds }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let siteId: Int
        // A site id written as digits in quotes is the same number.
        if let number = try? c.decode(Int.self, forKey: .siteId) {
            siteId = number
        } else if let text = try? c.decode(String.self, forKey: .siteId), let number = Int(text) {
            siteId = number
        } else if c.contains(.siteId) {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: [CodingKeys.siteId], debugDescription: "SiteId is the integer EMC assigned to this province's one-stop"))
        } else {
            throw DecodingError.keyNotFound(CodingKeys.siteId, .init(codingPath: [], debugDescription: "siteId is required"))
        }
        self.init(
            baseURL: try c.decode(String.self, forKey: .baseURL),
            trackingPath: try c.decode(String.self, forKey: .trackingPath),
            siteId: siteId,
            provinceCode: try c.decode(String.self, forKey: .provinceCode),
            format: try c.decode(Format.self, forKey: .format),
            headers: try c.decodeIfPresent(ConfiguredHeaders.self, forKey: .headers) ?? .init(),
            timeoutMilliseconds: try c.decode(Int.self, forKey: .timeoutMilliseconds)
        )
    }
}
