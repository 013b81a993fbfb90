import AdapterSupport
import Foundation
import GatewayCore
import Logging

/// The Ministry of Public Security's interconnected-services portal (DVC liên thông),
/// for the birth (`LTKS`) and death (`LTKT`) interconnected procedures.
///
/// One operation, `CapNhatTrangThaiHoSoLT`, pushes the statuses an event stands for, in
/// order: `trangThai` 1 → 3 → 7 → 4 → 5, with the branches 2 (supplement) and 6 (refused).
/// The portal enforces that order. Auth: a bearer token from user name and password,
/// refreshed before it expires.
public struct BCAAdapter: TargetAdapter {
    public static let target: TargetName = "bca"
    public static let pushStatus = "CapNhatTrangThaiHoSoLT"

    public var target: TargetName { Self.target }
    public var operations: Set<String> { [Self.pushStatus] }

    private let configuration: BCAConfiguration
    private let call: JSONCall
    private let tokens: TokenCache

    public init(configuration: BCAConfiguration, password: Secret, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["status"], message: ["message", "title", "detail"]), timeout: .milliseconds(configuration.timeoutMilliseconds)
        )
        let signIn = BCASignIn(configuration: configuration, password: password, transport: transport)
        self.tokens = TokenCache(refreshMargin: .seconds(configuration.refreshMarginSeconds)) { await signIn.token() }
    }

    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        guard operation == Self.pushStatus else {
            return OperationAnswer(verdict: .permanent, excerpt: "unknown BCA operation \(operation)", errorClass: "unknown-operation", scope: .local)
        }
        guard event.data.interconnect != nil else {
            return OperationAnswer(verdict: .permanent, excerpt: "the event carries no interconnect block; the BCA portal needs soHoSoLT", errorClass: "missing-data", scope: .local)
        }
        let statuses = configuration.statuses(for: event.type)
        var last = OperationAnswer(verdict: .delivered, excerpt: "no BCA status for \(event.type.shortName)", url: configuration.baseURL + configuration.statusPath)
        for (index, trangThai) in statuses.enumerated() {
            let token: String
            switch await tokens.current() {
            case .success(let value): token = value
            case .failure(let failure): return failure.answer
            }
            let body = BCAMapping.statusPush(event, trangThai: trangThai)
            // One call per status, each with its own key derived from the operation's.
            let key = index == 0 ? idempotencyKey : "\(idempotencyKey)/trangThai-\(trangThai)"
            last = await call.post(body, to: configuration.baseURL + configuration.statusPath, operation: operation, idempotencyKey: key, headers: [("Authorization", "Bearer \(token)")])
            guard last.verdict == .delivered || last.verdict == .duplicate else { return last }
        }
        return last
    }

    public func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens.invalidate(usedSince: callStarted)
    }
}

/// How to reach the BCA portal. Paths and the token lifetime are deployment facts.
public struct BCAConfiguration: Codable, Sendable {
    public var baseURL: String
    public var tokenPath: String
    /// Where a refresh token buys a new token; signs in again when absent.
    public var refreshPath: String?
    public var statusPath: String
    /// Read-only list of interconnected dossiers, used by `gateway contracts verify`.
    public var listPath: String?
    public var userName: String
    public var password: SecretSource
    /// How long a token is good for when the portal does not say.
    public var tokenLifetimeSeconds: Int
    /// Renew this long before the token expires.
    public var refreshMarginSeconds: Int
    public var timeoutMilliseconds: Int
    /// The `trangThai` values each event stands for, in order, keyed by event short name;
    /// events not named keep the built-in mapping (received → 1, 3; progressed → 7; …).
    public var statusesByEvent: [String: [Int]]?

    /// The statuses to push for an event of `type`.
    public func statuses(for type: DossierEventType) -> [Int] {
        statusesByEvent?[type.shortName] ?? BCAMapping.trangThai(type)
    }

    public init(baseURL: String, tokenPath: String = "/api/auth/token", refreshPath: String? = "/api/auth/refresh", statusPath: String = "/api/hosolienthong/capnhattrangthai", listPath: String? = "/api/hosolienthong", userName: String, password: SecretSource, tokenLifetimeSeconds: Int = 1_800, refreshMarginSeconds: Int = 60, timeoutMilliseconds: Int = 10_000, statusesByEvent: [String: [Int]]? = nil) {
        self.statusesByEvent = statusesByEvent
        self.baseURL = baseURL
        self.tokenPath = tokenPath
        self.refreshPath = refreshPath
        self.statusPath = statusPath
        self.listPath = listPath
        self.userName = userName
        self.password = password
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.refreshMarginSeconds = refreshMarginSeconds
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// Signs in with user name and password, or renews with the refresh token while it is good.
actor BCASignIn {
    private let configuration: BCAConfiguration
    private let password: Secret
    private let transport: any HTTPTransport
    private var refresh: (token: String, expiresAt: Date)?

    init(configuration: BCAConfiguration, password: Secret, transport: any HTTPTransport) {
        self.configuration = configuration
        self.password = password
        self.transport = transport
    }

    func token() async -> Result<AccessToken, AuthenticationFailure> {
        if let refreshPath = configuration.refreshPath, let refresh, refresh.expiresAt > Date() {
            if case .success(let token) = await request(refreshPath, body: ["refreshToken": refresh.token]) { return .success(token) }
        }
        return await request(configuration.tokenPath, body: ["userName": configuration.userName, "password": password.value])
    }

    private func request(_ path: String, body: [String: String]) async -> Result<AccessToken, AuthenticationFailure> {
        let url = configuration.baseURL + path
        let request = OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: Array((try? JSONEncoder().encode(body)) ?? Data()), timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AuthenticationFailure(AnswerReading.transportFailure(error, url: url)))
        }
        guard response.status == 200, let token = AnswerReading.text("token", in: response.body), !token.isEmpty else {
            return .failure(.from(response, url: url))
        }
        if let refreshToken = AnswerReading.text("refreshToken", in: response.body) {
            let expiry = AnswerReading.text("refreshTokenExpiryTime", in: response.body).flatMap(BCAMapping.parseExpiry) ?? Date().addingTimeInterval(86_400)
            refresh = (refreshToken, expiry)
        }
        return .success(AccessToken(value: token, expiresAt: .now + .seconds(configuration.tokenLifetimeSeconds)))
    }
}

/// The body of the status push.
struct BCAStatusPush: Codable, Equatable {
    var maTTHC: String
    var soHoSoLT: String
    var coQuanXuLy: String
    var maHoSo: String
    var trangThai: Int
    var thoiGianThucHien: String
    var ghiChu: String
    /// A JSON object sent as a string.
    var ketQuaXuLy: String
    var nguoiXuLy: String
    var chucDanh: String
    var phongBanXuLy: String
    var noiDungXuLy: String
    var ngayBatDau: String?
    var ngayKetThucTheoQuyDinh: String?
    var ngayHenTraTruoc: String?
    var ngayHenTraMoi: String?
    var hanBoSungHoSo: String?
}

enum BCAMapping {
    /// The statuses an event stands for, in the order the portal must receive them.
    static func trangThai(_ type: DossierEventType) -> [Int] {
        switch type {
        case .received: [1, 3]
        case .progressed: [7]
        case .resolved: [4]
        case .resultReturned: [5]
        case .supplementRequested: [2]
        case .rejected: [6]
        case .submitted, .feeRequested, .withdrawn, .suspended: []
        }
    }

    struct Result: Encodable {
        var soDinhDanh: String?
        var soDangKy: String?
        var quyenSo: String?
        var trangSo: String?
        var maGiayToKetQua: String?
        var fileKetQua: String?
    }

    static func statusPush(_ event: DossierEvent, trangThai: Int) -> BCAStatusPush {
        let data = event.data
        let step = data.progress?.last
        let result = trangThai == 4 ? data.interconnect?.result : nil
        let content: String = switch trangThai {
        case 1: "Tiếp nhận hồ sơ"
        case 3: "Hồ sơ đủ điều kiện, một cửa chấp nhận"
        case 7: step?.content ?? "Chuyển công chức tư pháp - hộ tịch xử lý"
        case 4: "Đã có kết quả"
        case 5: "Đã trả kết quả"
        case 2: "Yêu cầu bổ sung hồ sơ"
        default: "Từ chối hồ sơ"
        }
        return BCAStatusPush(
            maTTHC: data.procedure.code,
            soHoSoLT: data.interconnect?.dossierNumber ?? "",
            coQuanXuLy: data.agencyCode,
            maHoSo: data.dossierCode,
            trangThai: trangThai,
            thoiGianThucHien: VietnamTime.slashed(step?.at ?? event.time),
            ghiChu: data.note ?? "",
            ketQuaXuLy: EmbeddedJSON.string(Result(
                soDinhDanh: result?.identityNumber, soDangKy: result?.registrationNumber, quyenSo: result?.book,
                trangSo: result?.page, maGiayToKetQua: result?.documentCode, fileKetQua: result?.certificateBase64
            )),
            nguoiXuLy: String((step?.handler ?? "Bộ phận một cửa").prefix(50)),
            chucDanh: step?.position ?? "Công chức một cửa",
            phongBanXuLy: step?.department ?? (data.agencyName ?? data.agencyCode),
            noiDungXuLy: content,
            ngayBatDau: (data.receivedAt ?? data.submittedAt).map(VietnamTime.slashed),
            ngayKetThucTheoQuyDinh: data.appointmentAt.map(VietnamTime.slashed),
            ngayHenTraTruoc: nil,
            ngayHenTraMoi: nil,
            hanBoSungHoSo: trangThai == 2 ? data.appointmentAt.map(VietnamTime.slashed) : nil
        )
    }

    /// `refreshTokenExpiryTime`, in ISO 8601 or `dd/MM/yyyy HH:mm:ss` (Vietnam time).
    static func parseExpiry(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let parts = text.split(whereSeparator: { "/ :".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        var components = DateComponents(year: parts[2], month: parts[1], day: parts[0], hour: parts[3], minute: parts[4], second: parts[5])
        components.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        return Calendar(identifier: .gregorian).date(from: components)
    }
}

/// The BCA portal as the runtime builds it.
public enum BCAModule: AdapterModule {
    public static let target = BCAAdapter.target
    public static let operations = [BCAAdapter.pushStatus]
    public static var defaultConnection: JSONValue {
        .object([
            "tokenPath": .string("/api/auth/token"),
            "refreshPath": .string("/api/auth/refresh"),
            "statusPath": .string("/api/hosolienthong/capnhattrangthai"),
            "listPath": .string("/api/hosolienthong"),
            "password": .object(["env": .string("BCA_PASSWORD")]),
            "tokenLifetimeSeconds": .number(1_800),
            "refreshMarginSeconds": .number(60),
            "timeoutMilliseconds": .number(10_000),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(BCAConfiguration.self, from: connection)
        for (event, statuses) in configuration.statusesByEvent ?? [:] {
            guard DossierEventType(shortName: event) != nil else { throw ConfigurationError("targets.bca.connection.statusesByEvent: unknown event \(event)") }
            guard statuses.allSatisfy({ (1...7).contains($0) }) else { throw ConfigurationError("targets.bca.connection.statusesByEvent.\(event): trangThai values are 1 to 7") }
        }
        let password = try configuration.password.resolve(environment: context.environment)
        return BCAAdapter(configuration: configuration, password: password, classification: context.classification, transport: context.transport)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(BCAConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        let signIn = BCASignIn(configuration: configuration, password: password, transport: context.transport)
        let token: String
        switch await signIn.token() {
        case .success(let granted):
            token = granted.value
        case .failure(let failure):
            return [.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"), .skipped(BCAAdapter.pushStatus, "needs a token")]
        }
        var checks: [ConformanceCheck] = [.passed("token", "user name and password granted a bearer token")]
        if let listPath = configuration.listPath {
            let request = OutboundRequest(method: "GET", url: configuration.baseURL + listPath, headers: [("Authorization", "Bearer \(token)")], timeout: .milliseconds(configuration.timeoutMilliseconds))
            checks.append(await .call("list", request, on: context.transport, fields: ["data"]))
        }
        checks.append(.skipped(BCAAdapter.pushStatus, "changes a dossier's status; covered by the contract tests against the mock"))
        return checks
    }
}
