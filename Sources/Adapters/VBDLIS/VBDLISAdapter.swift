import AdapterSupport
import Foundation
import GatewayCore
import Logging

/// The land information system (VBDLIS), reached through the province's LGSP.
///
/// Operations: `tiepnhan` (hand a land dossier over, attachments inline as base64),
/// `capnhattrangthaibosunghoso` (supplement requested) and `capnhattrangthaitraketquahoso`
/// (result returned). Auth is OAuth2 client credentials with a cached token, or none,
/// as configured. An answer saying "đã tồn tại" means the dossier is already there.
public struct VBDLISAdapter: TargetAdapter {
    public static let target: TargetName = "vbdlis"
    public static let handOver = "tiepnhan"
    public static let supplement = "capnhattrangthaibosunghoso"
    public static let returnResult = "capnhattrangthaitraketquahoso"

    public var target: TargetName { Self.target }
    public var operations: Set<String> { [Self.handOver, Self.supplement, Self.returnResult] }

    private let configuration: VBDLISConfiguration
    private let call: JSONCall
    private let tokens: TokenCache?

    public init(configuration: VBDLISConfiguration, clientSecret: Secret?, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        self.call = JSONCall(transport: transport, classification: classification, fields: .init(code: ["data"], message: ["status.message"]), timeout: timeout)
        if configuration.auth == .clientCredentials, let clientSecret, let tokenURL = configuration.tokenURL, let clientId = configuration.clientId {
            let credentials = ClientCredentials(tokenURL: tokenURL, clientID: clientId, clientSecret: clientSecret, scope: configuration.scope, timeout: timeout)
            self.tokens = TokenCache { await credentials.fetch(with: transport) }
        } else {
            self.tokens = nil
        }
    }

    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        let body: any Encodable
        switch operation {
        case Self.handOver:
            guard let handOver = VBDLISMapping.handOver(event) else {
                return OperationAnswer(verdict: .permanent, excerpt: "the event carries no land block; VBDLIS needs one", errorClass: "missing-data", scope: .local)
            }
            body = handOver
        case Self.supplement: body = VBDLISMapping.supplement(event)
        case Self.returnResult: body = VBDLISMapping.returnResult(event)
        default:
            return OperationAnswer(verdict: .permanent, excerpt: "unknown VBDLIS operation \(operation)", errorClass: "unknown-operation", scope: .local)
        }
        var headers: [(name: String, value: String)] = []
        if let tokens {
            switch await tokens.current() {
            case .success(let token): headers.append(("Authorization", "Bearer \(token)"))
            case .failure(let failure): return failure.answer
            }
        }
        return await call.post(body, to: configuration.baseURL + "/" + operation, operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    public func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens?.invalidate(usedSince: callStarted)
    }
}

/// How to reach VBDLIS. Whether the LGSP asks for a token is a deployment fact.
public struct VBDLISConfiguration: Codable, Sendable {
    public enum Auth: String, Codable, Sendable {
        case none
        case clientCredentials = "client-credentials"
    }

    /// Operations are posted to `<baseURL>/<operation>`.
    public var baseURL: String
    public var auth: Auth
    public var tokenURL: String?
    public var clientId: String?
    public var clientSecret: SecretSource?
    public var scope: String?
    public var timeoutMilliseconds: Int

    public init(baseURL: String, auth: Auth = .none, tokenURL: String? = nil, clientId: String? = nil, clientSecret: SecretSource? = nil, scope: String? = nil, timeoutMilliseconds: Int = 15_000) {
        self.baseURL = baseURL
        self.auth = auth
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.scope = scope
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// VBDLIS's request bodies.
enum VBDLISMapping {
    struct HandOver: Encodable {
        var LaQuyTrinhCapTinh: Bool
        var TinhId: String
        var HuyenId: String
        var XaId: String
        var SoBienNhan: String
        var MaHoSoMotCua: String
        var NguoiTiepNhan: String
        var NgayTiepNhan: String
        var NgayHenTra: String
        var DiaChiTaiSan: String
        var ThongTinNguoiNopDon: Applicant
        var ThongTinQuyTrinh: Workflow
        var ThongTinThuaDat: [Parcel]
        var DanhSachGiayToDinhKem: [Attachment]
    }

    struct Applicant: Encodable {
        var HoTen: String
        var SoChungMinh: String
        var DiaChiChiTiet: String
        var SoDienThoai: String
        var Email: String
    }

    struct Workflow: Encodable {
        var MaQuyTrinh: String
        var TenQuyTrinh: String
    }

    struct Parcel: Encodable {
        var SoThuTuThua: String
        var SoHieuBanDo: String
        var DienTich: Double
        var DiaChiChiTiet: String
    }

    struct Attachment: Encodable {
        var TenGiayTo: String
        var SoBanChinh: Int
        var SoBanSao: Int
        var TapTin: File
    }

    struct File: Encodable {
        var name: String
        /// Base64.
        var data: String
    }

    struct Supplement: Encodable {
        var SoBienNhan: String
        var NgayHenTraMoi: String
        var GhiChu: String
        var DanhSachGiayToBoSung: [String]
    }

    struct ReturnResult: Encodable {
        var SoBienNhan: String
        var NgayTra: String
    }

    static func receipt(_ event: DossierEvent) -> String { event.data.receiptNumber ?? event.dossierCode }

    static func handOver(_ event: DossierEvent) -> HandOver? {
        let data = event.data
        guard let land = data.land else { return nil }
        let received = data.receivedAt ?? event.time
        return HandOver(
            LaQuyTrinhCapTinh: land.provincialWorkflow, TinhId: land.provinceId, HuyenId: land.districtId, XaId: land.communeId,
            SoBienNhan: receipt(event), MaHoSoMotCua: data.dossierCode,
            NguoiTiepNhan: data.progress?.first?.handler ?? "Bộ phận một cửa",
            NgayTiepNhan: VietnamTime.slashed(received),
            NgayHenTra: VietnamTime.slashed(data.appointmentAt ?? received),
            DiaChiTaiSan: land.assetAddress,
            ThongTinNguoiNopDon: Applicant(
                HoTen: data.applicant.fullName, SoChungMinh: data.applicant.identityNumber ?? "", DiaChiChiTiet: data.applicant.address ?? "",
                SoDienThoai: data.applicant.phone ?? "", Email: data.applicant.email ?? ""
            ),
            ThongTinQuyTrinh: Workflow(MaQuyTrinh: land.workflowCode, TenQuyTrinh: land.workflowName),
            ThongTinThuaDat: land.parcels.map { Parcel(SoThuTuThua: $0.number, SoHieuBanDo: $0.mapSheet, DienTich: $0.area, DiaChiChiTiet: $0.address) },
            DanhSachGiayToDinhKem: (data.documents ?? []).compactMap { document in
                document.contentBase64.map {
                    Attachment(TenGiayTo: document.name, SoBanChinh: document.originals ?? 1, SoBanSao: document.copies ?? 0, TapTin: File(name: document.name, data: $0))
                }
            }
        )
    }

    static func supplement(_ event: DossierEvent) -> Supplement {
        Supplement(
            SoBienNhan: receipt(event), NgayHenTraMoi: VietnamTime.slashed(event.data.appointmentAt ?? event.time),
            GhiChu: event.data.note ?? "Yêu cầu bổ sung hồ sơ", DanhSachGiayToBoSung: (event.data.documents ?? []).map(\.name)
        )
    }

    static func returnResult(_ event: DossierEvent) -> ReturnResult {
        ReturnResult(SoBienNhan: receipt(event), NgayTra: VietnamTime.slashed(event.data.returnedAt ?? event.time))
    }
}

/// VBDLIS as the runtime builds it.
public enum VBDLISModule: AdapterModule {
    public static let target = VBDLISAdapter.target
    public static let operations = [VBDLISAdapter.handOver, VBDLISAdapter.supplement, VBDLISAdapter.returnResult]
    public static var defaultConnection: JSONValue {
        .object([
            "auth": .string("client-credentials"),
            "clientSecret": .object(["env": .string("VBDLIS_CLIENT_SECRET")]),
            "timeoutMilliseconds": .number(15_000),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        let secret = try secret(configuration, context)
        return VBDLISAdapter(configuration: configuration, clientSecret: secret, classification: context.classification, transport: context.transport)
    }

    static func secret(_ configuration: VBDLISConfiguration, _ context: AdapterContext) throws -> Secret? {
        guard configuration.auth == .clientCredentials else { return nil }
        guard configuration.tokenURL != nil, configuration.clientId != nil, let source = configuration.clientSecret else {
            throw ConfigurationError("targets.vbdlis.connection: client-credentials auth needs tokenURL, clientId and clientSecret")
        }
        return try source.resolve(environment: context.environment)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        var checks: [ConformanceCheck] = []
        if let secret = try secret(configuration, context), let tokenURL = configuration.tokenURL, let clientId = configuration.clientId {
            let credentials = ClientCredentials(tokenURL: tokenURL, clientID: clientId, clientSecret: secret, scope: configuration.scope, timeout: .milliseconds(configuration.timeoutMilliseconds))
            switch await credentials.fetch(with: context.transport) {
            case .success: checks.append(.passed("token", "client credentials granted a bearer token"))
            case .failure(let failure): checks.append(.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"))
            }
        } else {
            checks.append(.skipped("token", "configured without auth"))
        }
        for operation in operations {
            checks.append(.skipped(operation, "VBDLIS has no read-only call; covered by the contract tests against the mock"))
        }
        return checks
    }
}
