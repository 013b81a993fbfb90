@testable import DVCQGAdapter
import Foundation
import GatewayModel
import Logging
import Synchronization
import Testing

/// A transport that answers from a script and keeps every request.
final class StubTransport: HTTPTransport {
    private let state = Mutex<(requests: [OutboundRequest], answers: [(Int, String)])>(([], []))

    init(answers: [(Int, String)]) { state.withLock { $0.answers = answers } }

    var requests: [OutboundRequest] { state.withLock { $0.requests } }

    func bodies() -> [[String: Any]] {
        requests.map { (try? JSONSerialization.jsonObject(with: Data($0.body ?? []))) as? [String: Any] ?? [:] }
    }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        let answer = state.withLock { state -> (Int, String)? in
            state.requests.append(request)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
        guard let (status, body) = answer else { throw TransportError(.connectionRefused, "no scripted answer") }
        return InboundResponse(status: status, body: Array(body.utf8))
    }
}

@Suite struct DVCQGAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")
    static let login = (200, #"{"error_code":0,"message":"ok","session":"S-1"}"#)
    static let ok = (200, #"{"error_code":"0","message":"Thành công"}"#)

    func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func adapter(_ transport: StubTransport, configuration: DVCQGConfiguration = DVCQGConfiguration(baseURL: "http://dvcqg.test", username: "gateway", password: .environment("UNUSED"), dstcode: "G22.99"), logger: Logger = Logger(label: "test")) throws -> DVCQGAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("dvcqg/classification.json").path)
        // A gateway registers every system's sensitive names at start; these tests may run before anything else has.
        Redaction.register(sensitiveNames: DVCQGSystem.sensitiveFields)
        return DVCQGAdapter(configuration: configuration, password: Secret("pw"), headers: try configuration.fixedHeaders(environment: [:]), classification: table, transport: transport, logger: logger)
    }

    @Test func logsInOnceAndSendsTheSessionInTheBody() async throws {
        let transport = StubTransport(answers: [Self.login, Self.ok, Self.ok])
        let adapter = try adapter(transport)
        let event = try event("received")
        #expect(try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k1").verdict == .delivered)
        #expect(try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k1").verdict == .delivered)
        let bodies = transport.bodies()
        #expect(transport.requests.map(\.url) == ["http://dvcqg.test/api/dvcqg/login", "http://dvcqg.test/api/dvcqg/integration", "http://dvcqg.test/api/dvcqg/integration"])
        #expect(bodies[0]["username"] as? String == "gateway")
        #expect(bodies[0]["password"] as? String == "pw")
        #expect(bodies[1]["session"] as? String == "S-1")
        #expect(bodies[1]["service"] as? String == "DongBoHoSoMC")
        #expect(bodies[1]["madonvi"] as? String == "000.00.12.H13")
        #expect(bodies[1]["isUpdating"] as? String == "False", "capitalised, as real clients send it")
        #expect(transport.requests[1].headers.contains { $0.name == "Idempotency-Key" && $0.value == "k1" })
        #expect(transport.requests.allSatisfy { request in request.headers.contains { $0 == ("dstcode", "G22.99") } }, "every call carries dstcode")
    }

    @Test func mapsTheDossierWithStringValuesAndVietnameseDates() async throws {
        let transport = StubTransport(answers: [Self.login, Self.ok])
        _ = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        let hoSo = try #require((transport.bodies()[1]["data"] as? [[String: Any]])?.first)
        #expect(hoSo["MaHoSo"] as? String == "000.00.12.H13-250711-00042")
        #expect(hoSo["MaTTHC"] as? String == "2.000635")
        #expect(hoSo["TrangThaiHoSo"] as? String == "2")
        #expect(hoSo["KenhThucHien"] as? String == "1")
        #expect(hoSo["LoaiDoiTuong"] as? String == "1")
        #expect(hoSo["NgayTiepNhan"] as? String == "20250711083000")
        #expect(hoSo["NgayHenTra"] as? String == "20250714160000")
        #expect(hoSo["ChuHoSo"] as? String == "Nguyễn Thị Lan")
        let identity = try #require((hoSo["DinhDanhCHS"] as? [[String: Any]])?.first)
        #expect(identity["LoaiDinhDanh"] as? String == "1")
        #expect(identity["SoDinhDanh"] as? String == "092301004217")
        for (key, value) in hoSo where !(value is [Any]) {
            #expect(value is String, "\(key) must be a string")
        }
        #expect(hoSo["NgayTra"] as? String == "" && hoSo["NgayTuChoi"] as? String == "", "a date the dossier lacks is empty, not left out")
        #expect(hoSo["MaDoiTuong"] == nil, "MaDoiTuong is for online dossiers only")
        #expect(hoSo["SoGiayToChuHoSo"] as? String == "092301004217")
    }

    @Test func theNewerFieldsAreFilledFromTheEvent() async throws {
        var event = try event("civil-received")
        event.data.fees = [.init(name: "Lệ phí đăng ký", amount: 8_000, code: "LP-KS", collection: "1", kind: "2")]
        event.data.resultDocuments = [.init(name: "Giấy khai sinh", code: "KQ01", id: "GT-9", url: "https://motcua/kq.pdf", resultCode: "KS-1")]
        let transport = StubTransport(answers: [Self.login, Self.ok])
        _ = try await adapter(transport).perform("DongBoHoSoMC", for: event, idempotencyKey: "k")
        let hoSo = try #require((transport.bodies()[1]["data"] as? [[String: Any]])?.first)
        #expect((hoSo["DSKetNoiCSDL"] as? [[String: Any]])?.first?["MaCSDL"] as? String == "CSDLQGDC")
        let papers = try #require(hoSo["TaiLieuNop"] as? [[String: Any]])
        #expect(papers.count == 3 && papers[2]["IsDeleted"] as? String == "1", "a withdrawn paper is sent flagged")
        #expect(papers[0]["TepDinhKemId"] as? String == "88101" && papers[0]["TenTepDinhKem"] as? String == "tokhai-khai-sinh.pdf" && papers[0]["MaThanhPhanHoSo"] as? String == "TP01")
        let fee = try #require((hoSo["DanhSachLePhi"] as? [[String: Any]])?.first)
        #expect(fee["Gia"] as? String == "8000" && fee["MaPhiLePhi"] as? String == "LP-KS" && fee["MucPhi"] == nil)
        let result = try #require((hoSo["DanhSachGiayToKetQua"] as? [[String: Any]])?.first)
        #expect(result["TenGiayTo"] as? String == "Giấy khai sinh" && result["GiayToId"] as? String == "GT-9" && result["DuongDanTepTinKetQua"] as? String == "https://motcua/kq.pdf")
    }

    @Test func longTextsAreCutToDVCQGsLengthsAndEachCutIsLogged() async throws {
        var event = try event("progressed")
        event.data.summary = String(repeating: "trích yếu ", count: 150)
        event.data.documents = [.init(name: String(repeating: "t", count: 4_100))]
        event.data.resultDocuments = [.init(name: String(repeating: "g", count: 2_100))]
        event.data.progress?[0].handler = String(repeating: "Cán bộ ", count: 10)
        let recorder = LogRecorder()
        let transport = StubTransport(answers: [Self.login, Self.ok, Self.ok, Self.ok])
        let adapter = try adapter(transport, logger: Logger(label: "dvcqg") { _ in LogRecorder.Handler(recorder: recorder) })
        _ = try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k")
        _ = try await adapter.perform("CapNhatTienDoHoSoMC", for: event, idempotencyKey: "k2")
        let hoSo = try #require((transport.bodies()[1]["data"] as? [[String: Any]])?.first)
        #expect((hoSo["TrichYeuHoSo"] as? String)?.count == 1_000)
        #expect(((hoSo["TaiLieuNop"] as? [[String: Any]])?.first?["TenTepDinhKem"] as? String)?.count == 4_000)
        #expect(((hoSo["DanhSachGiayToKetQua"] as? [[String: Any]])?.first?["TenGiayTo"] as? String)?.count == 2_000)
        let row = try #require((transport.bodies()[2]["data"] as? [[String: Any]])?.first)
        #expect((row["NguoiXuLy"] as? String)?.count == 50)
        let cuts = recorder.messages.filter { $0.message == "value cut to the length DVCQG takes" }.compactMap { $0.metadata["field"] }
        #expect(cuts.sorted() == ["DanhSachGiayToKetQua.TenGiayTo", "NguoiXuLy", "TaiLieuNop.TenTepDinhKem", "TrichYeuHoSo"])
        #expect(!recorder.messages.contains { $0.metadata.values.contains { $0.contains("trích yếu") } }, "the text itself is not logged")
    }

    /// Real clients keep a session at most ten minutes: the session's expiry is the configured
    /// lifetime, ten minutes unless told, and the token cache signs in again before it.
    @Test(arguments: [nil, 120] as [Int?])
    func aSessionLivesTheConfiguredLifetime(seconds: Int?) async throws {
        var configuration = DVCQGConfiguration(baseURL: "http://dvcqg.test", username: "gateway", password: .environment("UNUSED"))
        if let seconds { configuration.sessionLifetimeSeconds = seconds }
        let login = DVCQGLogin(configuration: configuration, password: Secret("pw"), headers: [], transport: StubTransport(answers: [Self.login]))
        let before = ContinuousClock.now
        let session = try await login.session().get()
        let lifetime = before.duration(to: session.expiresAt)
        let expected = Duration.seconds(seconds ?? 600)
        #expect(lifetime >= expected && lifetime < expected + .seconds(2), "\(lifetime)")
    }

    @Test func throughAnLGSPEachOperationHasItsURLAndTheBodyIsABareArray() async throws {
        let configuration = DVCQGConfiguration(
            style: .lgsp, baseURL: "http://lgsp.test",
            lgsp: .init(insertPath: "/dvcqg/them", updatePath: "/dvcqg/sua", progressPath: "/dvcqg/tiendo", queryParameters: ["MaDinhDanhDV", "isUpdating"])
        )
        let transport = StubTransport(answers: [Self.ok, Self.ok, (200, "Cập nhật tiến độ thành công"), (200, "Cập nhật tiến độ thành công")])
        let adapter = try adapter(transport, configuration: configuration)
        #expect(try await adapter.perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k1").verdict == .delivered)
        #expect(try await adapter.perform("DongBoHoSoMC", for: event("result-returned"), idempotencyKey: "k2").verdict == .delivered)
        #expect(try await adapter.perform("CapNhatTienDoHoSoMC", for: event("progressed"), idempotencyKey: "k3").verdict == .delivered, "a plain-text answer judged by thành công")
        #expect(transport.requests.map(\.url) == [
            "http://lgsp.test/dvcqg/them?MaDinhDanhDV=000.00.12.H13&isUpdating=False",
            "http://lgsp.test/dvcqg/sua?MaDinhDanhDV=000.00.12.H13&isUpdating=True",
            "http://lgsp.test/dvcqg/tiendo?MaDinhDanhDV=000.00.12.H13",
            "http://lgsp.test/dvcqg/tiendo?MaDinhDanhDV=000.00.12.H13",
        ], "no login: the LGSP takes the calls as they are")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(transport.requests[0].body ?? [])) as? [[String: Any]])
        #expect(first.first?["MaHoSo"] as? String == "000.00.12.H13-250711-00042" && first.first?["session"] == nil)
    }

    @Test func anExistingDossierIsResentAsAnUpdate() async throws {
        let exists = (200, #"{"error_code":"-3","message":"Hồ sơ đã tồn tại trên hệ thống"}"#)
        let transport = StubTransport(answers: [Self.login, exists, Self.ok])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .duplicate)
        #expect(transport.bodies().dropFirst().map { $0["isUpdating"] as? String } == ["False", "True"])
        let keys = transport.requests.dropFirst().map { $0.headers.first { $0.name == "Idempotency-Key" }?.value }
        #expect(keys == ["k", "k/update"], "the update is another body, so another key")
    }

    @Test(arguments: ["0", "3", "-3"])
    func anInsertAnsweredAlreadyThereWithAnyOfItsCodesIsResent(code: String) async throws {
        let exists = (200, #"{"error_code":"\#(code)","message":"Hồ sơ đã tồn tại"}"#)
        let transport = StubTransport(answers: [Self.login, exists, Self.ok])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .duplicate)
        #expect(transport.requests.count == 3)
    }

    @Test func laterEventsAreUpdates() async throws {
        let transport = StubTransport(answers: [Self.login, Self.ok])
        _ = try await adapter(transport).perform("DongBoHoSoMC", for: event("result-returned"), idempotencyKey: "k")
        let body = transport.bodies()[1]
        #expect(body["isUpdating"] as? String == "True")
        let hoSo = try #require((body["data"] as? [[String: Any]])?.first)
        #expect(hoSo["TrangThaiHoSo"] as? String == "10")
        #expect(hoSo["NgayTra"] as? String == "20250712140000")
    }

    @Test func progressGoesAtMostTenRowsPerCall() async throws {
        let transport = StubTransport(answers: [Self.login, Self.ok, Self.ok])
        let answer = try await adapter(transport).perform("CapNhatTienDoHoSoMC", for: event("progressed"), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let chunks = transport.bodies().dropFirst().map { ($0["data"] as? [[String: Any]])?.count }
        #expect(chunks == [10, 2])
        let first = try #require((transport.bodies()[1]["data"] as? [[String: Any]])?.first)
        #expect(first["ThoiDiemXuLy"] as? String == "20250711090000")
        #expect(first["TrangThai"] as? String == "4")
        #expect(first["NguoiXuLy"] as? String == "Trần Văn Bình")
    }

    @Test func aBareSessionCodeWithHTTP400IsBadDataNotAnExpiredSession() async throws {
        let transport = StubTransport(answers: [Self.login, (400, #"{"error_code":"-2","message":"Dữ liệu không hợp lệ"}"#)])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .http(400))
    }

    @Test func anExpiredSessionAsksForReauthenticationAndTheNextCallLogsInAgain() async throws {
        let expired = (200, #"{"error_code":"-2","message":"Phiên làm việc không hợp lệ hoặc đã hết hạn"}"#)
        let transport = StubTransport(answers: [Self.login, expired, (200, #"{"error_code":0,"session":"S-2"}"#), Self.ok])
        let adapter = try adapter(transport)
        let event = try event("received")
        #expect(try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k").verdict == .reauthenticate)
        await adapter.invalidateCredentials(usedSince: .now)
        #expect(try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k").verdict == .delivered)
        #expect(transport.bodies()[3]["session"] as? String == "S-2")
    }

    @Test func failuresCarryStatusCodeAndAMaskedExcerpt() async throws {
        let transport = StubTransport(answers: [Self.login, (400, #"{"error_code":"-1","message":"Dữ liệu không hợp lệ: ChuHoSo","ChuHoSo":"Nguyễn Thị Lan"}"#)])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .permanent)
        #expect(answer.httpStatus == 400)
        #expect(answer.code == "-1")
        #expect(answer.errorClass == .http(400))
        #expect(!answer.excerpt.contains("Nguyễn"))
    }

    @Test func transportFailuresAreRetryable() async throws {
        let transport = StubTransport(answers: [Self.login])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .retryable)
        #expect(answer.errorClass == .transport(.connectionRefused))
    }

    @Test func aRefusedLoginIsThrownAsAPermanentFailureOfTheTarget() async throws {
        let transport = StubTransport(answers: [(200, #"{"error_code":"-1","message":"Sai mật khẩu"}"#)])
        let adapter = try adapter(transport)
        let event = try event("received")
        let failure = await #expect(throws: AuthenticationFailure.self) {
            try await adapter.perform("DongBoHoSoMC", for: event, idempotencyKey: "k")
        }
        #expect(failure?.answer.verdict == .permanent && failure?.answer.scope == .target)
        #expect(failure?.answer.errorClass == .loginRefused)
        #expect(transport.bodies().count == 1, "only the login was sent")
    }
}

/// Keeps what is logged, for tests that check the log.
final class LogRecorder: Sendable {
    private let stored = Mutex<[(message: String, metadata: [String: String])]>([])

    var messages: [(message: String, metadata: [String: String])] { stored.withLock { $0 } }

    func append(_ message: String, _ metadata: [String: String]) { stored.withLock { $0.append((message, metadata)) } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(event.message.description, (event.metadata ?? [:]).mapValues { "\($0)" })
        }
    }
}
