import AdapterSupport
import Foundation
import GatewayModel

/// How to reach the civil registry. Paths, auth and headers are deployment facts.
package struct HoTichConfiguration: Codable, Sendable {
    package var baseURL: String
    package var receivePath: String
    /// The result poll (`maDinhDanhHoSo`, up to three codes a call).
    package var resultPath: String?
    /// `maTinh` of the result poll: the province's two-digit code.
    package var provinceCode: String?
    /// `maDonVi` when the event names no registration office (contract 1.0.0 events).
    package var unitCode: String?
    /// `none` by default: public clients send no auth. OAuth2 client credentials stays an option.
    package var oauth2: OAuth2Settings
    package var headers: ConfiguredHeaders
    package var timeoutMilliseconds: Int

    package init(baseURL: String, receivePath: String = "/api/hotich/NhanDKHT", resultPath: String? = "/api/hotich/KetQuaDKHT", provinceCode: String? = nil, unitCode: String? = nil, oauth2: OAuth2Settings = .init(), headers: ConfiguredHeaders = .init(), timeoutMilliseconds: Int = 30_000) {
        self.baseURL = baseURL
        self.receivePath = receivePath
        self.resultPath = resultPath
        self.provinceCode = provinceCode
        self.unitCode = unitCode
        self.oauth2 = oauth2
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    enum CodingKeys: String, CodingKey { case baseURL, receivePath, resultPath, provinceCode, unitCode, headers, timeoutMilliseconds }

    /// The OAuth2 settings sit flat in `connection` (`auth`, `tokenURL`, `clientId`, …).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            baseURL: try c.decode(String.self, forKey: .baseURL),
            receivePath: try c.decode(String.self, forKey: .receivePath),
            resultPath: try c.decodeIfPresent(String.self, forKey: .resultPath),
            provinceCode: try c.decodeIfPresent(String.self, forKey: .provinceCode),
            unitCode: try c.decodeIfPresent(String.self, forKey: .unitCode),
            oauth2: try OAuth2Settings(from: decoder),
            headers: try c.decodeIfPresent(ConfiguredHeaders.self, forKey: .headers) ?? .init(),
            timeoutMilliseconds: try c.decode(Int.self, forKey: .timeoutMilliseconds)
        )
    }

    package func encode(to encoder: any Encoder) throws {
        try oauth2.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(baseURL, forKey: .baseURL)
        try c.encode(receivePath, forKey: .receivePath)
        try c.encodeIfPresent(resultPath, forKey: .resultPath)
        try c.encodeIfPresent(provinceCode, forKey: .provinceCode)
        try c.encodeIfPresent(unitCode, forKey: .unitCode)
        try c.encode(headers, forKey: .headers)
        try c.encode(timeoutMilliseconds, forKey: .timeoutMilliseconds)
    }
}
