import AdapterSupport
import BCAAdapter
import Foundation
import GatewayModel
import Synchronization
import Testing

/// Answers sign-ins and refreshes itself and each status push from a script (success when the script is empty).
final class PortalTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])
    let answers: Mutex<[InboundResponse]>

    init(answers: [InboundResponse] = []) { self.answers = Mutex(answers) }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        let count = requests.withLock { $0.append(request); return $0.count }
        if request.url.hasSuffix("/token") || request.url.hasSuffix("/refresh") {
            return InboundResponse(status: 200, body: Array(#"{"token":"t\#(count)","refreshToken":"r\#(count)","refreshTokenExpiryTime":"2099-01-01T00:00:00Z"}"#.utf8))
        }
        return answers.withLock { $0.isEmpty ? PortalTransport.success : $0.removeFirst() }
    }

    static let success = InboundResponse(status: 200, body: Array(#"{"status":200,"title":"Cập nhật trạng thái thành công"}"#.utf8))

    var pushes: [[String: Any]] {
        requests.withLock { $0 }.filter { $0.url.hasSuffix("/capnhattrangthai") }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body ?? [])) as? [String: Any] }
    }

    var signIns: [String] { requests.withLock { $0 }.map(\.url).filter { !$0.hasSuffix("/capnhattrangthai") } }
}

@Suite struct BCAAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func adapter(_ transport: PortalTransport, configuration: BCAConfiguration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"))) throws -> BCAAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("bca/classification.json").path)
        return BCAAdapter(configuration: configuration, password: Secret("p"), classification: table, transport: transport)
    }

    @Test func aReceptionPushesReceivedThenEligibleInOrderWithTheRevisedTypes() async throws {
        let transport = PortalTransport()
        let answer = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("interconnect-received"), idempotencyKey: "e/bca/op")
        #expect(answer.verdict == .delivered)
        let pushes = transport.pushes
        #expect(pushes.map { $0["trangThai"] as? Int } == [1, 3])
        #expect(pushes.allSatisfy { $0["soHoSoLT"] as? String == "LTKS-92-250711-000107" })
        #expect(pushes.allSatisfy { $0["coQuanXuLy"] as? Int == 5 && !($0["coQuanXuLy"] is String) }, "coQuanXuLy is an integer")
        for field in ["nguoiXuLy", "noiDungXuLy", "ghiChu", "ketQuaXuLy"] {
            #expect(pushes[0][field] is NSNull, "status 1 sends \(field) null")
        }
        #expect(pushes[1]["ketQuaXuLy"] is NSNull, "ketQuaXuLy travels with status 4 only")
        #expect(pushes[1]["ngayHenTraTruoc"] is NSNull)
        #expect((pushes.first?["thoiGianThucHien"] as? String)?.range(of: #"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil)
        let keys = transport.requests.withLock { $0 }.filter { $0.url.hasSuffix("/capnhattrangthai") }.compactMap { $0.headers.first { $0.name == "Idempotency-Key" }?.value }
        #expect(keys == ["e/bca/op", "e/bca/op/trangThai-3"])
    }

    @Test func statusFourCarriesTheRegistryRecordAndTheCertificate() async throws {
        let transport = PortalTransport()
        _ = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k")
        let push = try #require(transport.pushes.first)
        #expect(push["trangThai"] as? Int == 4)
        let result = try #require((push["ketQuaXuLy"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(result["soDinhDanh"] as? String == "092225001234")
        #expect(result["soDangKy"] as? String == "107/2025")
        #expect(result["nksHoTen"] as? String == "Trần Minh An" && result["ngayDangKy"] as? String == "11.07.2025", "the registry record's own fields")
        #expect((result["giayKhaiSinh"] as? String).flatMap { Data(base64Encoded: $0) } != nil, "a birth's certificate is giayKhaiSinh")
        #expect(result["fileKetQua"] == nil)
    }

    @Test func aDeathsCertificateIsGiayKhaiTu() async throws {
        var event = try event("interconnect-resolved")
        event.data.procedure.interconnectModule = "LTKT"
        let transport = PortalTransport()
        _ = try await adapter(transport).perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k")
        let result = try #require((transport.pushes.first?["ketQuaXuLy"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(result["giayKhaiTu"] is String && result["giayKhaiSinh"] == nil)
    }

    @Test func statusFourWithoutAResultIsRefusedWithoutACall() async throws {
        var event = try event("interconnect-resolved")
        event.data.interconnect?.result = nil
        let transport = PortalTransport()
        let answer = try await adapter(transport).perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k")
        #expect(answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }

    /// The portal refuses a status sent again after a later one: a retry after 1 was accepted
    /// and 3's answer was lost starts at 3, and a replay of the event sends nothing it accepted.
    @Test func aRetryNeverResendsAStatusThePortalAccepted() async throws {
        let lost = InboundResponse(status: 503, body: Array(#"{"title":"Service Unavailable","status":503}"#.utf8))
        let transport = PortalTransport(answers: [PortalTransport.success, lost])
        let adapter = try adapter(transport)
        let memory = TransientDossierMemory()
        let received = try event("interconnect-received")
        let first = try await adapter.perform(BCAAdapter.pushStatus, for: received, idempotencyKey: "k", memory: memory)
        #expect(first.verdict == .retryable)
        let second = try await adapter.perform(BCAAdapter.pushStatus, for: received, idempotencyKey: "k", memory: memory)
        #expect(second.verdict == .delivered)
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [1, 3, 3], "1 once, then 3 until accepted")
        let replay = try await adapter.perform(BCAAdapter.pushStatus, for: received, idempotencyKey: "k", memory: memory)
        #expect(replay.verdict == .duplicate && transport.pushes.count == 3, "a replay sends nothing the portal has")
        let kept = try #require(await memory.recall())
        #expect(kept == .object(["event": .string(received.id), "through": .integer(1), "furthest": .integer(3)]))
    }

    @Test func aLaterEventNeverSendsAStatusBehindTheFurthestAccepted() async throws {
        let transport = PortalTransport()
        let configuration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"), statusesByEvent: ["progressed": [1, 7]])
        let adapter = try adapter(transport, configuration: configuration)
        let memory = TransientDossierMemory()
        var progressed = try event("interconnect-received")
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: progressed, idempotencyKey: "k1", memory: memory)
        progressed.id = "later-event"
        progressed.type = .progressed
        progressed.data.progress = [.init(handler: "Cán bộ A", content: "Chuyển công chức tư pháp", at: progressed.time)]
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: progressed, idempotencyKey: "k2", memory: memory)
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [1, 3, 7], "1 is behind the accepted 3: only 7 goes")
        progressed.id = "a-second-step"
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: progressed, idempotencyKey: "k3", memory: memory)
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [1, 3, 7, 7], "a second 7 is not behind the first")
    }

    /// Result returned (5) and refused (6) end the dossier's life at the portal: the memory is
    /// then kept finished, so that the gateway forgets it after its retention.
    @Test(arguments: [(DossierEventType.resultReturned, 5), (.rejected, 6)])
    func theLastStatusKeepsTheMemoryFinished(type: DossierEventType, trangThai: Int) async throws {
        let transport = PortalTransport()
        let adapter = try adapter(transport)
        let memory = TransientDossierMemory()
        var event = try event("interconnect-received")
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k1", memory: memory)
        #expect(await !memory.isFinished, "after 1 and 3 the dossier goes on")
        event.id = "the-last-event"
        event.type = type
        let last = try await adapter.perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k2", memory: memory)
        #expect(last.verdict == .delivered)
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [1, 3, trangThai])
        #expect(await memory.isFinished)
        let kept = try #require(await memory.recall())
        // 6 is a branch, not a place on the normal line: the furthest stays 3.
        #expect(kept == BCAProgressProbe.value(event: "the-last-event", through: 0, furthest: trangThai == 5 ? 5 : 3), "a finished memory still holds what was accepted")
    }

    @Test func theSupplementBranchIsNeverSkippedForBeingBehind() async throws {
        let transport = PortalTransport()
        let adapter = try adapter(transport)
        let memory = TransientDossierMemory(BCAProgressProbe.value(event: "earlier", through: 0, furthest: 7))
        var event = try event("interconnect-received")
        event.type = .supplementRequested
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k", memory: memory)
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [2])
    }

    @Test func aFailureThatSaysThanhCongIsNotDelivered() async throws {
        let failed = InboundResponse(status: 200, body: Array(#"{"status":200,"title":"Cập nhật trạng thái không thành công"}"#.utf8))
        let transport = PortalTransport(answers: [failed])
        let answer = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("interconnect-received"), idempotencyKey: "k")
        #expect(answer.verdict == .retryable)
    }

    @Test func noRefreshByDefaultButWhenConfigured() async throws {
        let transport = PortalTransport()
        // A 30 s token inside a 60 s margin is renewed before each use.
        let adapter = try adapter(transport, configuration: BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"), tokenLifetimeSeconds: 30))
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k1")
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k2")
        #expect(transport.signIns == ["http://bca/api/auth/token", "http://bca/api/auth/token"], "signs in again, as public clients do")

        let refreshing = PortalTransport()
        let configured = BCAConfiguration(baseURL: "http://bca", refreshPath: "/api/auth/refresh", userName: "u", password: .environment("X"), tokenLifetimeSeconds: 30)
        let withRefresh = try self.adapter(refreshing, configuration: configured)
        _ = try await withRefresh.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k1")
        _ = try await withRefresh.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k2")
        #expect(refreshing.signIns == ["http://bca/api/auth/token", "http://bca/api/auth/refresh"])
        #expect(refreshing.requests.withLock { $0 }.last?.headers.first { $0.name == "Authorization" }?.value == "Bearer t3", "the refreshed token is used")
    }

    @Test(arguments: [("received", [1, 3]), ("progressed", [7]), ("supplement-requested", [2]), ("resolved", [4]), ("result-returned", [5]), ("rejected", [6])])
    func eventsMapToThePortalsStatuses(type: String, statuses: [Int]) async throws {
        var event = try event("interconnect-resolved")
        event.type = try #require(DossierEventType(shortName: type))
        event.data.progress = [.init(handler: "Cán bộ A", content: "Chuyển xử lý", at: event.time)]
        event.data.rejectedAt = event.time
        event.data.returnedAt = event.time
        let transport = PortalTransport()
        _ = try await adapter(transport).perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k")
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == statuses)
    }

    @Test func configurationCanChangeWhichStatusesAnEventStandsFor() async throws {
        let configuration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"), statusesByEvent: ["received": [1]])
        let transport = PortalTransport()
        let adapter = try adapter(transport, configuration: configuration)
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-received"), idempotencyKey: "k")
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k2")
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == [1, 4], "received as configured, resolved as built in")
    }

    @Test func anEventWithoutAnInterconnectBlockIsRefusedWithoutACall() async throws {
        let transport = PortalTransport()
        let answer = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("received"), idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}

/// A kept progress as the adapter writes it.
enum BCAProgressProbe {
    static func value(event: String, through: Int, furthest: Int?) -> JSONValue {
        var members: [String: JSONValue] = ["event": .string(event), "through": .integer(Int64(through))]
        if let furthest { members["furthest"] = .integer(Int64(furthest)) }
        return .object(members)
    }
}
