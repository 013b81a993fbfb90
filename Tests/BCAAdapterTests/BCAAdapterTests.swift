import AdapterSupport
import BCAAdapter
import Foundation
import GatewayModel
import Synchronization
import Testing

/// Answers sign-ins and refreshes itself and every status push with success.
final class PortalTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        let count = requests.withLock { $0.append(request); return $0.count }
        if request.url.hasSuffix("/token") || request.url.hasSuffix("/refresh") {
            return InboundResponse(status: 200, body: Array(#"{"token":"t\#(count)","refreshToken":"r\#(count)","refreshTokenExpiryTime":"2099-01-01T00:00:00Z"}"#.utf8))
        }
        return InboundResponse(status: 200, body: Array(#"{"status":200,"message":"Cập nhật trạng thái thành công"}"#.utf8))
    }

    var pushes: [[String: Any]] {
        requests.withLock { $0 }.filter { $0.url.hasSuffix("/capnhattrangthai") }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body ?? [])) as? [String: Any] }
    }
}

@Suite struct BCAAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func adapter(_ transport: PortalTransport, lifetime: Int = 1_800) throws -> BCAAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("bca/classification.json").path)
        let configuration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"), tokenLifetimeSeconds: lifetime, refreshMarginSeconds: 60)
        return BCAAdapter(configuration: configuration, password: Secret("p"), classification: table, transport: transport)
    }

    @Test func aReceptionPushesReceivedThenEligibleInOrder() async throws {
        let transport = PortalTransport()
        let answer = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("interconnect-received"), idempotencyKey: "e/bca/op")
        #expect(answer.verdict == .delivered)
        let pushes = transport.pushes
        #expect(pushes.map { $0["trangThai"] as? Int } == [1, 3])
        #expect(pushes.allSatisfy { $0["soHoSoLT"] as? String == "LTKS-92-250711-000107" })
        #expect((pushes.first?["thoiGianThucHien"] as? String)?.range(of: #"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil)
        let keys = transport.requests.withLock { $0 }.filter { $0.url.hasSuffix("/capnhattrangthai") }.compactMap { $0.headers.first { $0.name == "Idempotency-Key" }?.value }
        #expect(keys == ["e/bca/op", "e/bca/op/trangThai-3"])
    }

    @Test func theResultTravelsAsAJSONStringWithStatusFour() async throws {
        let transport = PortalTransport()
        _ = try await adapter(transport).perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k")
        let push = try #require(transport.pushes.first)
        #expect(push["trangThai"] as? Int == 4)
        let result = try #require((push["ketQuaXuLy"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(result["soDinhDanh"] as? String == "092225001234")
        #expect(result["soDangKy"] as? String == "107/2025")
        #expect((result["fileKetQua"] as? String).flatMap { Data(base64Encoded: $0) } != nil)
    }

    @Test func aTokenAboutToExpireIsRenewedWithTheRefreshToken() async throws {
        let transport = PortalTransport()
        // A 30 s token inside a 60 s margin is renewed before each use.
        let adapter = try adapter(transport, lifetime: 30)
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k1")
        _ = try await adapter.perform(BCAAdapter.pushStatus, for: try event("interconnect-resolved"), idempotencyKey: "k2")
        let signIns = transport.requests.withLock { $0 }.map(\.url).filter { !$0.hasSuffix("/capnhattrangthai") }
        #expect(signIns == ["http://bca/api/auth/token", "http://bca/api/auth/refresh"])
        let bearer = transport.requests.withLock { $0 }.last?.headers.first { $0.name == "Authorization" }?.value
        #expect(bearer == "Bearer t3", "the refreshed token is used")
    }

    @Test(arguments: [("received", [1, 3]), ("progressed", [7]), ("supplement-requested", [2]), ("resolved", [4]), ("result-returned", [5]), ("rejected", [6])])
    func eventsMapToThePortalsStatuses(type: String, statuses: [Int]) async throws {
        var event = try event("interconnect-received")
        event.type = try #require(DossierEventType(shortName: type))
        event.data.progress = [.init(handler: "Cán bộ A", content: "Chuyển xử lý", at: event.time)]
        event.data.rejectedAt = event.time
        event.data.returnedAt = event.time
        let transport = PortalTransport()
        _ = try await adapter(transport).perform(BCAAdapter.pushStatus, for: event, idempotencyKey: "k")
        #expect(transport.pushes.map { $0["trangThai"] as? Int } == statuses)
    }

    @Test func configurationCanChangeWhichStatusesAnEventStandsFor() async throws {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("bca/classification.json").path)
        let configuration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"), statusesByEvent: ["received": [1]])
        let transport = PortalTransport()
        let adapter = BCAAdapter(configuration: configuration, password: Secret("p"), classification: table, transport: transport)
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
