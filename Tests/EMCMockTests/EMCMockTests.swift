import EMCMock
import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport
import Testing

/// The EMC mock over real HTTP: every documented violation refused, the journal kept in order.
@Suite(.serialized) struct EMCMockTests {
    static var tracking: [String: Any] { [
        "CodeProfile": "000.00.12.H13-250711-00042", "SiteId": EMCMock.devSiteId, "CodeTTHC": "2.000635",
        "NameTTHC": "", "MaHoSo": "000.00.12.H13-250711-00042", "Status": "1",
        "FormsReception": "2", "FormsPayments": "0", "Level": "4", "IsFromDVCQG": "0", "IsDVCBC": "0", "Data": NSNull(),
        "User": #"{"ID_local":"","ID_QG":"092301004217","TYPE":"2","LOCATION":"92"}"#,
    ] }

    func withMock(_ body: (String, EMCMock, AsyncHTTPTransport) async throws -> Void) async throws {
        let mock = EMCMock()
        try await MockSystems.withServer(mock.server) { base, http in try await body(base, mock, http) }
    }

    func post(_ http: AsyncHTTPTransport, _ url: String, _ object: [String: Any]) async throws -> (Int, String) {
        let response = try await http.send(OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: Array(try JSONSerialization.data(withJSONObject: object))))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func acceptsAConformingRecordAndJournalsIt() async throws {
        try await withMock { base, mock, http in
            let (status, _) = try await post(http, base + "/TrackingMCDT", Self.tracking)
            #expect(status == 204)
            let entry = try #require(await mock.control.journal.all().last)
            #expect(entry.accepted && entry.operation == "TrackingMCDT" && entry.dossiers == ["000.00.12.H13-250711-00042"] && entry.statuses == ["1"])
        }
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    /// The old shapes (codes as numbers, SiteId as text, a JSON `Data`, `TYPE` a number) are among them.
    @Test(arguments: [
        ("MaHoSo", nil, "missing MaHoSo"),
        ("Status", "1", "Status must be a string"),
        ("Status", "\"7\"", "Status must be one of 0, 1, 2, 3, 4"),
        ("FormsReception", "\"3\"", "FormsReception must be one of 1, 2"),
        ("Level", "\"2\"", "Level must be one of 0, 1, 3, 4"),
        ("IsFromDVCQG", "0", "IsFromDVCQG must be a string"),
        ("SiteId", "\"9201\"", "SiteId must be an integer"),
        ("Data", "\"{}\"", "Data must be null or"),
        ("User", "{\"ID_local\":\"x\"}", "User must be a string"),
        ("User", "\"not json\"", "User must be a JSON object sent as a string"),
        ("User", "\"{\\\"ID_local\\\":\\\"\\\",\\\"ID_QG\\\":\\\"092301004217\\\",\\\"TYPE\\\":2,\\\"LOCATION\\\":\\\"92\\\"}\"", "User.TYPE must be a string"),
        ("User", "\"{\\\"ID_local\\\":\\\"\\\",\\\"ID_QG\\\":\\\"092301004217\\\",\\\"TYPE\\\":\\\"1\\\",\\\"LOCATION\\\":\\\"92\\\"}\"", "User.TYPE must be \"1\" for a 10-character"),
        ("SiteId", "42", "unknown SiteId"),
    ] as [(String, String?, String)])
    func refusesEveryDocumentedViolation(field: String, value: String?, reason: String) async throws {
        try await withMock { base, mock, http in
            var body = Self.tracking
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, text) = try await post(http, base + "/TrackingMCDT", body)
            #expect(status == (reason == "unknown SiteId" ? 403 : 400), "\(text)")
            let entry = try #require(await mock.control.journal.all().last)
            #expect(!entry.accepted)
            #expect(entry.rejection?.contains(reason) == true, "rejection: \(entry.rejection ?? "-")")
        }
    }

    @Test func injectedFaultsComeFirstAndThenItRecovers() async throws {
        try await withMock { base, mock, http in
            await mock.control.faults.add(FaultPlan(status: 429, retryAfterSeconds: 2, count: 1))
            let (first, _) = try await post(http, base + "/TrackingMCDT", Self.tracking)
            let (second, _) = try await post(http, base + "/TrackingMCDT", Self.tracking)
            #expect(first == 429)
            #expect(second == 204)
        }
    }

    @Test func acceptsTheFormVariantAndRefusesPascalCaseInIt() async throws {
        try await withMock { base, mock, http in
            var fields: [(String, String)] = []
            for (name, value) in Self.tracking.sorted(by: { $0.key < $1.key }) {
                let text = value is NSNull ? "" : "\(value)"
                fields.append((name.prefix(1).lowercased() + name.dropFirst(), text))
            }
            func form(_ fields: [(String, String)]) -> [UInt8] {
                Array(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8)
            }
            let headers = [("Content-Type", "application/x-www-form-urlencoded")]
            let accepted = try await http.send(OutboundRequest(url: base + "/TrackingMCDT", headers: headers, body: form(fields)))
            #expect(accepted.status == 204, "\(String(decoding: accepted.body, as: UTF8.self))")
            let refused = try await http.send(OutboundRequest(url: base + "/TrackingMCDT", headers: headers, body: form(fields + [("Status", "1")])))
            #expect(refused.status == 400)
            let entry = try #require(await mock.control.journal.all().last)
            #expect(entry.rejection?.contains("must be written status") == true, "\(entry.rejection ?? "-")")
        }
    }
}
