import AdapterSupport
import EMCAdapter
import Foundation
import GatewayModel
import Synchronization
import Testing

/// Records requests and answers each with the same status.
final class RecordingTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])
    let status: Int
    init(status: Int = 200) { self.status = status }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        requests.withLock { $0.append(request) }
        return InboundResponse(status: status, body: Array(#"{"message":"OK"}"#.utf8))
    }
}

@Suite struct EMCAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func send(_ event: DossierEvent, status: Int = 200) async throws -> (OperationAnswer, [String: Any]) {
        let transport = RecordingTransport(status: status)
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("emc/classification.json").path)
        let adapter = EMCAdapter(configuration: EMCConfiguration(baseURL: "http://emc", siteId: "site-92", provinceCode: "92"), classification: table, transport: transport)
        let answer = try await adapter.perform(EMCAdapter.tracking, for: event, idempotencyKey: "k")
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.url == "http://emc/TrackingMCDT")
        #expect(!request.headers.contains { $0.name == "Authorization" }, "EMC takes no auth header")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
        return (answer, body)
    }

    @Test(arguments: [("received", 1), ("progressed", 2), ("result-returned", 3)])
    func everyTransitionIsTrackedWithItsStatus(name: String, status: Int) async throws {
        let (answer, body) = try await send(try event(name))
        #expect(answer.verdict == .delivered)
        #expect(body["Status"] as? Int == status)
        #expect(body["SiteId"] as? String == "site-92")
        #expect(body["MaHoSo"] as? String == "000.00.12.H13-250711-00042")
        #expect(body["FormsReception"] as? Int == 2, "in person")
    }

    @Test func userTravelsAsAJSONString() async throws {
        let (_, body) = try await send(try event("received"))
        let text = try #require(body["User"] as? String)
        let user = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(user["LOCATION"] as? String == "92")
        #expect(user["TYPE"] as? Int == 1)
        #expect(user["ID_local"] as? String == "092301004217")
    }

    @Test(arguments: [(204, Verdict.delivered), (403, .permanent), (429, .retryable), (503, .retryable)])
    func onlyTheHTTPStatusCounts(status: Int, verdict: Verdict) async throws {
        let (answer, _) = try await send(try event("received"), status: status)
        #expect(answer.verdict == verdict)
    }
}
