import AdapterSupport
import BCAAdapter
import Foundation
import GatewayModel
import Testing

/// The portal's inbox read as `Contracts/bca/examples/inbox.json` shows it: the list, a detail
/// whose `<hoTich>` XML becomes an object, and the acknowledgement.
@Suite struct BCAInboxTests {
    static func example(_ name: String) throws -> InboundResponse {
        let url = BCAAdapterTests.contracts.appendingPathComponent("bca/examples/inbox.json")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return InboundResponse(status: 200, body: Array(try JSONSerialization.data(withJSONObject: try #require(all[name]))))
    }

    func inbox(_ transport: PortalTransport) throws -> BCAInbox {
        let configuration = BCAConfiguration(baseURL: "http://bca", userName: "u", password: .environment("X"))
        return try #require(try BCASystem.makeInbox(
            connection: try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(configuration)), context: AdapterContext(
                transport: transport, classification: ClassificationTable(system: "bca", version: "test", rules: [], otherwise: .retryable),
                environment: ["X": "secret"], logger: .init(label: "test")
            )
        ))
    }

    @Test func listsTheDossiersWithAnIdAndACodeWhateverTheIdsType() async throws {
        let transport = PortalTransport(answers: [try Self.example("list")])
        let listed = try await inbox(transport).list().get()
        #expect(listed == [PortalListing(id: "9001", dossierCode: "G22.99.9-251207-0001"), PortalListing(id: "9002", dossierCode: "G22.99.9-251207-0002")])
        let request = try #require(transport.requests.withLock { $0.last })
        #expect(request.method == "GET" && request.url == "http://bca/api/hosolienthong")
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value.hasPrefix("Bearer ") })
    }

    @Test func readsTheHoTichXMLIntoARecordAndKeepsThePapers() async throws {
        let transport = PortalTransport(answers: [try Self.example("detail")])
        let listing = PortalListing(id: "9001", dossierCode: "G22.99.9-251207-0001")
        let dossier = try await inbox(transport).detail(listing).get()
        #expect(transport.requests.withLock { $0.last?.url } == "http://bca/api/hosolienthong/9001")
        #expect(dossier.portalId == "9001" && dossier.dossierCode == "G22.99.9-251207-0001")
        #expect(dossier.module == "LTKS" && dossier.procedureCode == "2.000986" && dossier.unitCode == "5")
        guard case .object(let record) = dossier.record else { Issue.record("no record"); return }
        #expect(record["nksHoTen"] == JSONValue.string("Lê Minh Khôi"))
        let mother = JSONValue.object(["hoTen": .string("Nguyễn Thị Mai"), "soDinhDanh": .string("092190000001")])
        #expect(record["me"] == mother, "nested elements become objects")
        let papers = JSONValue.array([.object(["ten": .string("Giấy chứng sinh")]), .object(["ten": .string("Tờ khai")])])
        #expect(record["giayTo"] == papers, "repeated ones a list")
        #expect(dossier.attachments.count == 1)
        #expect(dossier.details["duLieuHoTich"] == nil && dossier.details["techId"] == JSONValue.string("tech-9001"), "the XML is not carried twice")
    }

    @Test func aDetailWithoutAWellFormedRecordIsAFailureNotAnEmptyDossier() async throws {
        let broken = InboundResponse(status: 200, body: Array(#"{"data":{"id":1,"maHoSo":"X","duLieuHoTich":"<hoTich><a>1</b></hoTich>"}}"#.utf8))
        let missing = InboundResponse(status: 200, body: Array(#"{"data":{"id":1,"maHoSo":"X"}}"#.utf8))
        let listing = PortalListing(id: "1", dossierCode: "X")
        for answer in [broken, missing] {
            guard case .failure(let failure) = await try inbox(PortalTransport(answers: [answer])).detail(listing) else {
                Issue.record("taken as a dossier"); continue
            }
            #expect(failure.description.contains("hoTich"))
        }
    }

    @Test func acknowledgesWithPutDaNhanTrue() async throws {
        let transport = PortalTransport(answers: [try Self.example("acknowledged")])
        let result = await try inbox(transport).acknowledge(PortalListing(id: "9001", dossierCode: "G22.99.9-251207-0001"))
        #expect((try? result.get()) != nil)
        let request = try #require(transport.requests.withLock { $0.last })
        #expect(request.method == "PUT" && request.url == "http://bca/api/hosolienthong/danhan")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
        #expect(body["maHoSo"] as? String == "G22.99.9-251207-0001" && body["daNhan"] as? Bool == true)
        let refused = await try inbox(PortalTransport(answers: [InboundResponse(status: 503, body: [])])).acknowledge(PortalListing(id: "1", dossierCode: "X"))
        #expect((try? refused.get()) == nil)
    }
}
