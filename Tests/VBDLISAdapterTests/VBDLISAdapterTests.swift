import AdapterSupport
import Foundation
import GatewayModel
import Synchronization
import Testing
import VBDLISAdapter

/// Answers a token endpoint and every operation with `answer`.
final class LGSPTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])
    let answer: String

    init(answer: String = #"{"data":1,"status":{"success":true,"code":200,"message":"Thành công"}}"#) {
        self.answer = answer
    }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        requests.withLock { $0.append(request) }
        if request.url.hasSuffix("/token") {
            return InboundResponse(status: 200, body: Array(#"{"access_token":"lgsp-token","expires_in":3600,"token_type":"Bearer"}"#.utf8))
        }
        return InboundResponse(status: 200, body: Array(answer.utf8))
    }
}

@Suite struct VBDLISAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func example(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func adapter(_ transport: LGSPTransport, configuration: VBDLISConfiguration = VBDLISConfiguration(baseURL: "http://lgsp/vbdlis")) throws -> VBDLISAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("vbdlis/classification.json").path)
        let request = try configuration.oauth2.tokenRequest(for: "vbdlis", environment: ["SECRET": "s", "PASSWORD": "pw"], timeout: .seconds(1))
        return VBDLISAdapter(configuration: configuration, tokenRequest: request, classification: table, transport: transport)
    }

    func body(_ request: OutboundRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
    }

    @Test func aHandOverSpeaksTheRevisedTypes() async throws {
        let transport = LGSPTransport()
        let answer = try await adapter(transport).perform(VBDLISAdapter.handOver, for: try example("land-received"), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://lgsp/vbdlis/tiepnhan"], "no auth by default")
        #expect(!requests[0].headers.contains { $0.name == "Authorization" })
        let body = try body(requests[0])
        #expect(body["SoBienNhan"] as? String == "000.00.20.H13-250711-00318", "SoBienNhan is MaHoSo")
        #expect(body["TinhId"] as? Int == 92 && body["HuyenId"] as? Int == 916 && body["XaId"] as? Int == 31117)
        #expect(!(body["TinhId"] is String))
        #expect(body["NgayTiepNhan"] as? String == "2025-07-11T09:00:00")
        #expect(body["NgayHenTra"] as? String == "2025-07-25T16:00:00")
        #expect(body["NguoiTiepNhan"] is NSNull, "a 1.0.0 event has no officer's user name: null, not a display name")
        let parcel = try #require((body["ThongTinThuaDat"] as? [[String: Any]])?.first)
        #expect(parcel["DienTich"] as? String == "120.5")
        let file = try #require(((body["DanhSachGiayToDinhKem"] as? [[String: Any]])?.first?["TapTin"] as? [String: Any])?["data"] as? String)
        #expect(Data(base64Encoded: file).map { String(decoding: $0, as: UTF8.self) } == "%PDF-1.4 don dang ky")
    }

    @Test func whatTheEventLacksIsSentAsNull() async throws {
        var event = try example("land-received")
        event.data.land?.assetAddress = nil
        event.data.land?.parcels = nil
        event.data.appointmentAt = nil
        event.data.receivingOfficer = "motcua.canbo3"
        let transport = LGSPTransport()
        _ = try await adapter(transport).perform(VBDLISAdapter.handOver, for: event, idempotencyKey: "k")
        let body = try body(try #require(transport.requests.withLock { $0.first }))
        for field in ["DiaChiTaiSan", "ThongTinThuaDat", "NgayHenTra"] { #expect(body[field] is NSNull, "\(field)") }
        #expect(body["NguoiTiepNhan"] as? String == "motcua.canbo3")
    }

    @Test func aSupplementWithoutNoteOrPapersSendsEmptyAndNull() async throws {
        var event = try example("land-received")
        event.data.note = nil
        event.data.documents = nil
        event.data.appointmentAt = nil
        let transport = LGSPTransport()
        _ = try await adapter(transport).perform(VBDLISAdapter.supplement, for: event, idempotencyKey: "k")
        let body = try body(try #require(transport.requests.withLock { $0.first }))
        #expect(body["GhiChu"] as? String == "")
        #expect(body["DanhSachGiayToBoSung"] is NSNull && body["NgayHenTraMoi"] is NSNull)
    }

    @Test func aDisputedResultIsReportedWithWhatIsWrong() async throws {
        let transport = LGSPTransport()
        let answer = try await adapter(transport).perform(VBDLISAdapter.disputeResult, for: try example("result-disputed"), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.url == "http://lgsp/vbdlis/phanhoihososaiketqua")
        #expect(try body(request)["NoiDung"] as? String == "Diện tích thửa 45 trên giấy chứng nhận sai, đúng là 120,5 m²")
    }

    @Test func successFalseIsNeverDoneEvenWithDataOne() async throws {
        let transport = LGSPTransport(answer: #"{"data":1,"status":{"success":false,"code":500,"message":"Lỗi đồng bộ"}}"#)
        let answer = try await adapter(transport).perform(VBDLISAdapter.returnResult, for: try example("land-received"), idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .unrecognisedAnswer)
        #expect(answer.excerpt.contains("Lỗi đồng bộ"), "the dead letter shows the answer")
    }

    @Test func anLGSPsClientCredentialsTokenIsSentWhenConfigured() async throws {
        let transport = LGSPTransport()
        let configuration = VBDLISConfiguration(baseURL: "http://lgsp/vbdlis", oauth2: .init(auth: .clientCredentials, tokenURL: "http://lgsp/token", clientId: "c", clientSecret: .environment("SECRET")))
        _ = try await adapter(transport, configuration: configuration).perform(VBDLISAdapter.handOver, for: try example("land-received"), idempotencyKey: "k")
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://lgsp/token", "http://lgsp/vbdlis/tiepnhan"])
        #expect(String(decoding: requests[0].body ?? [], as: UTF8.self) == "grant_type=client_credentials")
        #expect(requests[1].headers.contains { $0.name == "Authorization" && $0.value == "Bearer lgsp-token" })
    }

    @Test func ilisIsThePasswordGrantAndItsOwnPaths() async throws {
        let transport = LGSPTransport()
        let configuration = VBDLISConfiguration(
            baseURL: "http://ilis/api", profile: .ilis,
            oauth2: .init(auth: .password, tokenURL: "http://ilis/token", clientId: "motcua", username: "canbo", password: .environment("PASSWORD"))
        )
        let adapter = try adapter(transport, configuration: configuration)
        for operation in [VBDLISAdapter.handOver, VBDLISAdapter.supplement, VBDLISAdapter.returnResult] {
            _ = try await adapter.perform(operation, for: try example("land-received"), idempotencyKey: "k")
        }
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://ilis/token", "http://ilis/api/TiepNhanHoSo", "http://ilis/api/BoSungHoSo", "http://ilis/api/CapNhatTrangThaiHoSo"])
        #expect(String(decoding: requests[0].body ?? [], as: UTF8.self) == "grant_type=password&username=canbo&password=pw&client_id=motcua")
    }

    @Test func aPasswordGrantWithoutItsUserIsAConfigurationError() throws {
        let settings = OAuth2Settings(auth: .password, tokenURL: "http://ilis/token", clientId: "motcua")
        #expect(throws: ConfigurationError.self) { try settings.tokenRequest(for: "vbdlis", environment: [:], timeout: .seconds(1)) }
    }

    @Test func aDossierWithoutItsLandBlockIsRefusedWithoutACall() async throws {
        var event = try example("land-received")
        event.data.land = nil
        let transport = LGSPTransport()
        let answer = try await adapter(transport).perform(VBDLISAdapter.handOver, for: event, idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}
