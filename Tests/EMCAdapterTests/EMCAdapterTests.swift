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

    func configuration(format: EMCConfiguration.Format = .json) -> EMCConfiguration {
        EMCConfiguration(baseURL: "http://emc", siteId: 9_201, provinceCode: "92", format: format)
    }

    func send(_ event: DossierEvent, status: Int = 200, format: EMCConfiguration.Format = .json, headers: [(name: String, value: String)] = []) async throws -> (OperationAnswer, OutboundRequest) {
        let transport = RecordingTransport(status: status)
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("emc/classification.json").path)
        let adapter = EMCAdapter(configuration: configuration(format: format), headers: headers, classification: table, transport: transport)
        let answer = try await adapter.perform(EMCAdapter.tracking, for: event, idempotencyKey: "k")
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.url == "http://emc/TrackingMCDT")
        #expect(!request.headers.contains { $0.name == "Authorization" }, "EMC takes no auth header")
        return (answer, request)
    }

    func send(_ event: DossierEvent, status: Int = 200) async throws -> (OperationAnswer, [String: Any]) {
        let (answer, request) = try await send(event, status: status, format: .json)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
        return (answer, body)
    }

    @Test(arguments: [("received", "1"), ("progressed", "2"), ("result-returned", "3")])
    func everyTransitionIsTrackedWithItsStatus(name: String, status: String) async throws {
        let (answer, body) = try await send(try event(name))
        #expect(answer.verdict == .delivered)
        #expect(body["Status"] as? String == status)
        #expect(body["SiteId"] as? Int == 9_201 && !(body["SiteId"] is String), "SiteId is an integer")
        #expect(body["MaHoSo"] as? String == "000.00.12.H13-250711-00042")
        #expect(body["FormsReception"] as? String == "2", "in person")
        for code in ["Status", "FormsReception", "FormsPayments", "Level", "IsFromDVCQG", "IsDVCBC"] {
            #expect(body[code] is String, "\(code) travels as text")
        }
        #expect(body["Data"] as? String == "")
    }

    /// The facts' mapping from TrangThaiHoSo: 1, 2 → 1; 4 → 2; 9, 10 → 3; anything else → 0.
    @Test func statusFollowsTheDossierStatusCode() async throws {
        var event = try event("received")
        var seen: [String: String] = [:]
        for type in DossierEventType.allCases {
            event.type = type
            let (_, body) = try await send(event)
            seen[type.shortName] = body["Status"] as? String
        }
        #expect(seen == [
            "submitted": "1", "received": "1", "rejected": "0", "progressed": "2", "supplement-requested": "0",
            "fee-requested": "0", "withdrawn": "0", "suspended": "0", "resolved": "3", "result-returned": "3", "result-disputed": "3",
        ])
    }

    @Test(arguments: [(nil, "0"), (1, "1"), (2, "1"), (3, "3"), (4, "4")] as [(Int?, String)])
    func levelIsOneOfEMCsFour(level: Int?, expected: String) async throws {
        var event = try event("received")
        event.data.procedure.level = level
        let (_, body) = try await send(event)
        #expect(body["Level"] as? String == expected)
    }

    @Test func userTravelsAsAJSONStringWithTheTenCharacterRule() async throws {
        var event = try event("received")
        event.data.applicant.accountId = "cd-2231"
        let (_, body) = try await send(event)
        let user = try Self.user(body)
        #expect(user["LOCATION"] as? String == "92")
        #expect(user["ID_QG"] as? String == "092301004217", "the applicant's ID number, verified by VNeID or not")
        #expect(user["TYPE"] as? String == "2", "a 12-digit CCCD is not 10 characters")
        #expect(user["ID_local"] as? String == "cd-2231")
        event.data.applicant.identityNumber = "0312345678"
        let (_, tenCharacters) = try await send(event)
        let other = try Self.user(tenCharacters)
        #expect(other["TYPE"] as? String == "1")
    }

    static func user(_ body: [String: Any]) throws -> [String: Any] {
        let text = try #require(body["User"] as? String)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theFormVariantPostsTheSameFieldsInCamelCase() async throws {
        let (answer, request) = try await send(try event("received"), format: .form, headers: [("X-Api-Key", "k1")])
        #expect(answer.verdict == .delivered)
        #expect(request.headers.contains { $0 == ("Content-Type", "application/x-www-form-urlencoded") })
        #expect(request.headers.contains { $0 == ("X-Api-Key", "k1") }, "configured headers travel with every call")
        let text = String(decoding: request.body ?? [], as: UTF8.self)
        let fields = Dictionary(uniqueKeysWithValues: text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        })
        #expect(fields["siteId"] == "9201" && fields["status"] == "1" && fields["maHoSo"] == "000.00.12.H13-250711-00042")
        #expect(fields["data"] == "" && fields["user"]?.hasPrefix("{") == true)
        #expect(fields["SiteId"] == nil)
    }

    @Test(arguments: [(204, Verdict.delivered), (403, .permanent), (429, .retryable), (503, .retryable)])
    func onlyTheHTTPStatusCounts(status: Int, verdict: Verdict) async throws {
        let (answer, _) = try await send(try event("received"), status: status)
        #expect(answer.verdict == verdict)
    }
}
