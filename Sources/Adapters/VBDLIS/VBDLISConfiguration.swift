import AdapterSupport
import Foundation
import GatewayModel

/// How to reach VBDLIS, or its sibling ILIS. Paths, auth and headers are deployment facts.
package struct VBDLISConfiguration: Codable, Sendable {
    /// Which of the two land systems: their operations take the same bodies, at different paths.
    package enum Profile: String, Codable, Sendable {
        /// Operations at `<baseURL>/<operation>`: `tiepnhan`, `capnhattrangthaibosunghoso`, ….
        case vbdlis
        /// ILIS's paths: `TiepNhanHoSo`, `BoSungHoSo`, `CapNhatTrangThaiHoSo`.
        case ilis
    }

    package var baseURL: String
    package var profile: Profile
    /// A path per operation, overriding the profile's (`{"tiepnhan": "/v2/TiepNhan"}`).
    package var paths: [String: String]
    /// `none` by default (no public client signs in to VBDLIS); `client-credentials` for an LGSP
    /// in front; `password` for ILIS.
    package var oauth2: OAuth2Settings
    package var headers: ConfiguredHeaders
    package var timeoutMilliseconds: Int

    package init(baseURL: String, profile: Profile = .vbdlis, paths: [String: String] = [:], oauth2: OAuth2Settings = .init(), headers: ConfiguredHeaders = .init(), timeoutMilliseconds: Int = 30_000) {
        self.baseURL = baseURL
        self.profile = profile
        self.paths = paths
        self.oauth2 = oauth2
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// The URL an operation is posted to.
    package func url(of operation: String) -> String {
        if let path = paths[operation] { return baseURL + (path.hasPrefix("/") ? path : "/" + path) }
        let name = profile == .ilis ? Self.ilisPaths[operation] ?? operation : operation
        return baseURL + "/" + name
    }

    static let ilisPaths = [
        VBDLISAdapter.handOver: "TiepNhanHoSo",
        VBDLISAdapter.supplement: "BoSungHoSo",
        VBDLISAdapter.returnResult: "CapNhatTrangThaiHoSo",
    ]

    enum CodingKeys: String, CodingKey { case baseURL, profile, paths, auth, tokenURL, clientId, clientSecret, username, password, scope, headers, timeoutMilliseconds }

    /// The OAuth2 settings sit flat in `connection` (`auth`, `tokenURL`, `clientId`, …).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            baseURL: try c.decode(String.self, forKey: .baseURL),
            profile: try c.decodeIfPresent(Profile.self, forKey: .profile) ?? .vbdlis,
            paths: try c.decodeIfPresent([String: String].self, forKey: .paths) ?? [:],
            oauth2: try OAuth2Settings(from: decoder),
            headers: try c.decodeIfPresent(ConfiguredHeaders.self, forKey: .headers) ?? .init(),
            timeoutMilliseconds: try c.decode(Int.self, forKey: .timeoutMilliseconds)
        )
    }

    package func encode(to encoder: any Encoder) throws {
        try oauth2.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(baseURL, forKey: .baseURL)
        try c.encode(profile, forKey: .profile)
        try c.encode(paths, forKey: .paths)
        try c.encode(headers, forKey: .headers)
        try c.encode(timeoutMilliseconds, forKey: .timeoutMilliseconds)
    }
}
