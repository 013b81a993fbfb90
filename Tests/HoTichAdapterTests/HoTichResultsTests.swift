import AdapterSupport
import Foundation
import GatewayModel
@testable import HoTichAdapter
import Testing

/// The result poll: what it sends, and how it reads what real clients have seen come back.
@Suite struct HoTichResultsTests {
    static func answer(_ name: String) throws -> InboundResponse {
        let url = HoTichAdapterTests.contracts.appendingPathComponent("hotich/examples/results.json")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return InboundResponse(status: 200, body: Array(try JSONSerialization.data(withJSONObject: try #require(all[name]))))
    }

    func poller(_ transport: CivilRegistryTransport) -> HoTichResultPoller {
        HoTichResultPoller(
            configuration: HoTichConfiguration(baseURL: "http://hotich", timeoutMilliseconds: 1_000), resultPath: "/KetQuaDKHT", provinceCode: "92",
            tokenRequest: nil, headers: [("X-Province", "92")], transport: transport
        )
    }

    @Test func asksForUpToThreeCodesOfOneModuleInTheProvince() async throws {
        let transport = CivilRegistryTransport(answers: [try Self.answer("lenient")])
        _ = await poller(transport).poll(["A", "B", "C"], module: "LTKS")
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.url == "http://hotich/KetQuaDKHT")
        #expect(request.headers.contains { $0.name == "X-Province" && $0.value == "92" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
        #expect(body["maDinhDanhHoSo"] as? [String] == ["A", "B", "C"])
        #expect(body["maTinh"] as? String == "92")
        #expect(body["module"] as? String == "LTKS")
    }

    @Test func readsNumbersAndTextAlikeAndSetsAsideRowsItCannotPlace() async throws {
        let transport = CivilRegistryTransport(answers: [try Self.answer("lenient")])
        let answer = try await poller(transport).poll(["x"], module: "LTKS").get()
        #expect(answer.results.map(\.dossierCode) == ["000.00.31.H13-250711-00107", "000.00.31.H13-250711-00108"])
        #expect(answer.results.map(\.state) == [.resultIssued, .supplementNeeded])
        #expect(answer.unreadable.count == 1, "trangThai 5 is no state the registry names")
    }

    @Test func anIssuedResultCarriesTheRecordAndTheCertificateInTheShapeBCAStatusFourTakes() async throws {
        let transport = CivilRegistryTransport(answers: [try Self.answer("lenient")])
        let issued = try #require(try await poller(transport).poll(["x"], module: "LTKS").get().results.first)
        let answer = issued.answer(module: "LTKS", interconnectCode: nil)
        #expect(answer.state == "result-issued" && answer.trangThai == 4)
        #expect(answer.interconnectCode == "LTKS-92-250711-000107", "the row's maHoSoLT")
        #expect(answer.at == "12/07/2025 09:29:40")
        let result = try #require(answer.result, "ketQuaXuLy read from its JSON string")
        #expect(result.identityNumber == "092225001234")
        #expect(result.registrationNumber == "107/2025" && result.book == "01/2025" && result.page == "107")
        #expect(result.documentCode == "KS-92-2025-000107")
        #expect(result.certificateBase64 == "JVBERi0xLjQ=")
        guard case .object(let record)? = result.record else { Issue.record("no record"); return }
        #expect(record["giayKhaiSinh"] == nil, "the certificate is not repeated inside the record")
        #expect(record["nksHoTen"] == .string("Trần Minh An"))
        #expect(answer.details["nguoiXuLy"] == .string("Công chức tư pháp - hộ tịch"))
        #expect(answer.details["chucDanh"] == nil, "nulls are left out")
    }

    @Test func aSupplementRequestKeepsWhatTheRegistryAsksAndNoResult() async throws {
        let transport = CivilRegistryTransport(answers: [try Self.answer("lenient")])
        let supplement = try #require(try await poller(transport).poll(["x"], module: "LTKT").get().results.last)
        let answer = supplement.answer(module: "LTKT", interconnectCode: "LTKT-92-1")
        #expect(answer.state == "supplement-needed" && answer.result == nil)
        #expect(answer.interconnectCode == "LTKT-92-1", "the registration's own code when the row has none")
        #expect(answer.details["hanBoSungHoSo"] == .string("15/07/2025 17:00:00"))
    }

    @Test func aRefusalOrAFailedCallIsAFailureNamingWhy() async throws {
        let refused = await poller(CivilRegistryTransport(answers: [try Self.answer("refused")])).poll(["x"], module: "LTKS")
        guard case .failure(let failure) = refused else { Issue.record("a status 0 answer is no success"); return }
        #expect(failure.description.contains("Mã tỉnh không hợp lệ"))
        let down = await poller(CivilRegistryTransport(answers: [InboundResponse(status: 503, body: Array("busy".utf8))])).poll(["x"], module: "LTKS")
        guard case .failure(let unavailable) = down else { Issue.record("a 503 is no success"); return }
        #expect(unavailable.description.hasPrefix("HTTP 503") && !unavailable.isAuthentication)
        let unauthorised = await poller(CivilRegistryTransport(answers: [InboundResponse(status: 401, body: [])])).poll(["x"], module: "LTKS")
        guard case .failure(let signIn) = unauthorised else { Issue.record("a 401 is no success"); return }
        #expect(signIn.isAuthentication)
    }
}
