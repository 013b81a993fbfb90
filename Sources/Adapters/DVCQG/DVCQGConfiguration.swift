import AdapterSupport
import Foundation
import GatewayModel

/// How to reach DVCQG: directly (sign in, the session and `madonvi` in every body, `service`
/// naming the operation) or through the province's LGSP (one URL per operation, bare arrays of
/// rows). Every path, header and the style itself are configuration.
package struct DVCQGConfiguration: Codable, Sendable {
    package enum Style: String, Codable, Sendable {
        case direct
        case lgsp
    }

    /// The LGSP's face of DVCQG.
    package struct LGSP: Codable, Sendable, Equatable {
        package var insertPath: String
        package var updatePath: String
        package var progressPath: String
        /// Values some proxies take in the query string: `MaDinhDanhDV` (the unit code) and
        /// `isUpdating` ("True"/"False").
        package var queryParameters: [String]
        /// `none` by default; an LGSP may ask for an OAuth2 token.
        package var oauth2: OAuth2Settings

        package init(insertPath: String = "/lgsp/dvcqg/hoso/themmoi", updatePath: String = "/lgsp/dvcqg/hoso/capnhat", progressPath: String = "/lgsp/dvcqg/tiendo", queryParameters: [String] = [], oauth2: OAuth2Settings = .init()) {
            self.insertPath = insertPath
            self.updatePath = updatePath
            self.progressPath = progressPath
            self.queryParameters = queryParameters
            self.oauth2 = oauth2
        }

        enum CodingKeys: String, CodingKey { case insertPath, updatePath, progressPath, queryParameters }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = LGSP()
            self.init(
                insertPath: try c.decodeIfPresent(String.self, forKey: .insertPath) ?? defaults.insertPath,
                updatePath: try c.decodeIfPresent(String.self, forKey: .updatePath) ?? defaults.updatePath,
                progressPath: try c.decodeIfPresent(String.self, forKey: .progressPath) ?? defaults.progressPath,
                queryParameters: try c.decodeIfPresent([String].self, forKey: .queryParameters) ?? [],
                oauth2: try OAuth2Settings(from: decoder)
            )
            for name in queryParameters where !["MaDinhDanhDV", "isUpdating"].contains(name) {
                throw DecodingError.dataCorruptedError(forKey: .queryParameters, in: c, debugDescription: "\(name) is not one of MaDinhDanhDV, isUpdating")
            }
        }

        package func encode(to encoder: any Encoder) throws {
            try oauth2.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(insertPath, forKey: .insertPath)
            try c.encode(updatePath, forKey: .updatePath)
            try c.encode(progressPath, forKey: .progressPath)
            try c.encode(queryParameters, forKey: .queryParameters)
        }
    }

    package var style: Style
    package var baseURL: String
    package var authPath: String
    /// Writes and reads (`TraCuuHoSo`, `LayThuTuc`) of the direct style.
    package var integrationPath: String
    /// Catalogue calls only (`LayDanhMucCoQuan`, `LayDanhMucLinhVuc`, `LayDanhSachTTHC`, `TraCuuTechID`).
    package var sharingPath: String
    /// The direct style's account; the LGSP style needs none.
    package var username: String?
    package var password: SecretSource?
    /// `madonvi` (`MaDinhDanhDV` at an LGSP); the event's agency code when absent.
    package var unitCode: String?
    /// The destination code sent as the `dstcode` header of every call.
    package var dstcode: String?
    /// A session is signed in again before it is this old (real clients keep one at most 10 minutes).
    package var sessionLifetimeSeconds: Int
    package var lgsp: LGSP
    package var headers: ConfiguredHeaders
    package var timeoutMilliseconds: Int
    /// Progress rows per `CapNhatTienDoHoSoMC` call; DVCQG's public clients send at most 10.
    package var progressRowsPerCall: Int

    package init(
        style: Style = .direct, baseURL: String, authPath: String = "/api/dvcqg/login", integrationPath: String = "/api/dvcqg/integration",
        sharingPath: String = "/api/dvcqg/sharing", username: String? = nil, password: SecretSource? = nil, unitCode: String? = nil,
        dstcode: String? = nil, sessionLifetimeSeconds: Int = 600, lgsp: LGSP = LGSP(), headers: ConfiguredHeaders = .init(),
        timeoutMilliseconds: Int = 30_000, progressRowsPerCall: Int = 10
    ) {
        self.style = style
        self.baseURL = baseURL
        self.authPath = authPath
        self.integrationPath = integrationPath
        self.sharingPath = sharingPath
        self.username = username
        self.password = password
        self.unitCode = unitCode
        self.dstcode = dstcode
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
        self.lgsp = lgsp
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
        self.progressRowsPerCall = progressRowsPerCall
    }

    /// Every default in place; the deployment facts (`baseURL`, the account) left out.
    static let prototype = DVCQGConfiguration(baseURL: "", password: .environment("DVCQG_PASSWORD"))

    private enum CodingKeys: String, CodingKey {
        case style, baseURL, authPath, integrationPath, sharingPath, username, password, unitCode, dstcode, sessionLifetimeSeconds, lgsp, headers, timeoutMilliseconds, progressRowsPerCall
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let p = Self.prototype
        self.init(
            style: try c.decodeIfPresent(Style.self, forKey: .style) ?? p.style,
            baseURL: try c.decode(String.self, forKey: .baseURL),
            authPath: try c.decodeIfPresent(String.self, forKey: .authPath) ?? p.authPath,
            integrationPath: try c.decodeIfPresent(String.self, forKey: .integrationPath) ?? p.integrationPath,
            sharingPath: try c.decodeIfPresent(String.self, forKey: .sharingPath) ?? p.sharingPath,
            username: try c.decodeIfPresent(String.self, forKey: .username),
            password: try c.decodeIfPresent(SecretSource.self, forKey: .password) ?? p.password,
            unitCode: try c.decodeIfPresent(String.self, forKey: .unitCode),
            dstcode: try c.decodeIfPresent(String.self, forKey: .dstcode),
            sessionLifetimeSeconds: try c.decodeIfPresent(Int.self, forKey: .sessionLifetimeSeconds) ?? p.sessionLifetimeSeconds,
            lgsp: try c.decodeIfPresent(LGSP.self, forKey: .lgsp) ?? p.lgsp,
            headers: try c.decodeIfPresent(ConfiguredHeaders.self, forKey: .headers) ?? .init(),
            timeoutMilliseconds: try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? p.timeoutMilliseconds,
            progressRowsPerCall: try c.decodeIfPresent(Int.self, forKey: .progressRowsPerCall) ?? p.progressRowsPerCall
        )
        guard (1...10).contains(progressRowsPerCall) else {
            throw DecodingError.dataCorruptedError(forKey: .progressRowsPerCall, in: c, debugDescription: "must be 1 to 10")
        }
        guard (60...86_400).contains(sessionLifetimeSeconds) else {
            throw DecodingError.dataCorruptedError(forKey: .sessionLifetimeSeconds, in: c, debugDescription: "must be 60 to 86400 seconds")
        }
        if style == .direct, username == nil {
            throw DecodingError.keyNotFound(CodingKeys.username, .init(codingPath: [], debugDescription: "the direct style signs in: username is required"))
        }
    }

    /// The headers every call carries: `dstcode` first, then `headers`.
    package func fixedHeaders(environment: [String: String]) throws -> [(name: String, value: String)] {
        (dstcode.map { [("dstcode", $0)] } ?? []) + (try headers.resolve(environment: environment))
    }
}
