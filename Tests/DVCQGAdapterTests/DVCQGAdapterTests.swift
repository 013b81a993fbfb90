import DVCQGAdapter
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

    func adapter(_ transport: StubTransport) throws -> DVCQGAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("dvcqg/classification.json").path)
        let configuration = DVCQGConfiguration(baseURL: "http://dvcqg.test", username: "gateway", password: .environment("UNUSED"))
        return DVCQGAdapter(configuration: configuration, password: Secret("pw"), classification: table, transport: transport, logger: Logger(label: "test"))
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
        #expect(bodies[1]["isUpdating"] as? String == "false")
        #expect(transport.requests[1].headers.contains { $0.name == "Idempotency-Key" && $0.value == "k1" })
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
    }

    @Test func anExistingDossierIsResentAsAnUpdate() async throws {
        let exists = (200, #"{"error_code":"-3","message":"Hồ sơ đã tồn tại trên hệ thống"}"#)
        let transport = StubTransport(answers: [Self.login, exists, Self.ok])
        let answer = try await adapter(transport).perform("DongBoHoSoMC", for: event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .duplicate)
        #expect(transport.bodies().dropFirst().map { $0["isUpdating"] as? String } == ["false", "true"])
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
        #expect(body["isUpdating"] as? String == "true")
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
