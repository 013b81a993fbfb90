import DVCQGMock
import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport
import Testing

/// The mock over real HTTP: contract enforcement, state, journal and fault control.
@Suite(.serialized) final class DVCQGMockTests {
    let http = AsyncHTTPTransport()

    deinit {
        let http = self.http
        Task { try? await http.shutdown() }
    }

    func withMock(_ body: (String, DVCQGMock) async throws -> Void) async throws {
        let mock = DVCQGMock(password: "pw")
        let (port, task) = try await MockSystems.serve(mock.server, logger: Logger(label: "mock-test"))
        defer { task.cancel() }
        try await body("http://127.0.0.1:\(port)", mock)
    }

    func post(_ url: String, _ object: Any, dstcode: String? = DVCQGMock.devDestination) async throws -> (Int, [String: Any]) {
        var headers = [("Content-Type", "application/json")]
        if let dstcode { headers.append(("dstcode", dstcode)) }
        let response = try await http.send(OutboundRequest(url: url, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: object))))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? ["text": text])
    }

    func login(_ base: String) async throws -> String {
        let (_, answer) = try await post(base + "/api/dvcqg/login", ["username": "gateway", "password": "pw"])
        return try #require(answer["session"] as? String)
    }

    static var hoSo: [String: Any] { [
        "MaHoSo": "000.00.12.H13-250711-00042", "MaTTHC": "2.000635", "TenTTHC": "Cấp bản sao trích lục hộ tịch",
        "MaLinhVuc": "HT", "TenLinhVuc": "Hộ tịch", "KenhThucHien": "1", "ChuHoSo": "Nguyễn Thị Lan",
        "LoaiDoiTuong": "1", "TrangThaiHoSo": "2", "NgayTiepNhan": "20250711083000", "NgayHenTra": "20250714160000",
        "NgayTra": "", "NgayKetThucXuLy": "", "NgayTuChoi": "", "NgayNopHoSo": "",
    ] }

    func sync(_ session: String, _ hoSo: [String: Any] = hoSo, updating: String = "False") -> [String: Any] {
        ["session": session, "madonvi": "000.00.12.H13", "service": "DongBoHoSoMC", "isUpdating": updating, "data": [hoSo]]
    }

    @Test func remembersDossiersSoASecondInsertAnswersAlreadyExists() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            let (status, first) = try await post(base + "/api/dvcqg/integration", sync(session))
            #expect(status == 200)
            #expect(first["error_code"] as? String == "0")
            let (_, second) = try await post(base + "/api/dvcqg/integration", sync(session))
            #expect(second["error_code"] as? String == "-3")
            #expect((second["message"] as? String)?.contains("đã tồn tại") == true)
            let (_, update) = try await post(base + "/api/dvcqg/integration", sync(session, updating: "True"))
            #expect(update["error_code"] as? String == "0")
            let read: [String: Any] = ["session": session, "madonvi": "000.00.12.H13", "service": "TraCuuHoSo", "mahoso": "000.00.12.H13-250711-00042"]
            let (_, found) = try await post(base + "/api/dvcqg/integration", read)
            #expect((found["result"] as? [[String: Any]])?.first?["MaTTHC"] as? String == "2.000635", "reads go to integration")
            let (refused, _) = try await post(base + "/api/dvcqg/sharing", read)
            #expect(refused == 400, "the sharing endpoint carries catalogue calls only")
            let (catalogue, _) = try await post(base + "/api/dvcqg/sharing", ["session": session, "service": "LayDanhMucCoQuan"])
            #expect(catalogue == 200)
        }
    }

    @Test func everyDirectCallCarriesTheDestinationCode() async throws {
        try await withMock { base, mock in
            let (status, answer) = try await post(base + "/api/dvcqg/login", ["username": "gateway", "password": "pw"], dstcode: nil)
            #expect(status == 400 && (answer["message"] as? String)?.contains("dstcode") == true)
            #expect(await mock.control.journal.all().last?.accepted == false)
        }
    }

    @Test func throughTheLGSPTheBodyIsABareArrayAndProgressIsAnsweredInPlainText() async throws {
        try await withMock { base, _ in
            let (inserted, _) = try await post(base + "/lgsp/dvcqg/hoso/themmoi?MaDinhDanhDV=000.00.12.H13&isUpdating=False", [Self.hoSo], dstcode: nil)
            #expect(inserted == 200)
            let (_, again) = try await post(base + "/lgsp/dvcqg/hoso/themmoi", [Self.hoSo], dstcode: nil)
            #expect((again["message"] as? String)?.contains("đã tồn tại") == true)
            let (disagrees, _) = try await post(base + "/lgsp/dvcqg/hoso/capnhat?isUpdating=False", [Self.hoSo], dstcode: nil)
            #expect(disagrees == 400)
            let (enveloped, _) = try await post(base + "/lgsp/dvcqg/hoso/capnhat", sync("s"), dstcode: nil)
            #expect(enveloped == 400, "the direct style's envelope is refused at the LGSP")
            let row: [String: Any] = ["MaHoSo": "000.00.12.H13-250711-00042", "NguoiXuLy": "Cán bộ", "ThoiDiemXuLy": "20250711090000", "NoiDungXuLy": "Xử lý", "TrangThai": "4", "NgayBatDau": "", "NgayKetThucTheoQuyDinh": ""]
            let (status, progress) = try await post(base + "/lgsp/dvcqg/tiendo", [row], dstcode: nil)
            #expect(status == 200 && progress["text"] as? String == "Cập nhật tiến độ thành công")
        }
    }

    @Test func aLookUpAnswersTheRowThatWasSentWhateverItsPlaceAndStyle() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            func row(_ code: String, _ owner: String) -> [String: Any] {
                var row = Self.hoSo
                row["MaHoSo"] = code
                row["ChuHoSo"] = owner
                return row
            }
            func lookUp(_ code: String) async throws -> [String: Any]? {
                let (_, found) = try await post(base + "/api/dvcqg/integration", ["session": session, "madonvi": "000.00.12.H13", "service": "TraCuuHoSo", "mahoso": code])
                return (found["result"] as? [[String: Any]])?.first
            }
            var twoRows = sync(session)
            twoRows["data"] = [row("000.00.12.H13-250711-00101", "Trần Văn An"), row("000.00.12.H13-250711-00102", "Lê Thị Bình")]
            let (status, _) = try await post(base + "/api/dvcqg/integration", twoRows)
            #expect(status == 200)
            let (lgsp, _) = try await post(base + "/lgsp/dvcqg/hoso/themmoi", [row("000.00.12.H13-250711-00103", "Phạm Minh Châu")], dstcode: nil)
            #expect(lgsp == 200)
            #expect(try await lookUp("000.00.12.H13-250711-00101")?["ChuHoSo"] as? String == "Trần Văn An")
            #expect(try await lookUp("000.00.12.H13-250711-00102")?["ChuHoSo"] as? String == "Lê Thị Bình")
            #expect(try await lookUp("000.00.12.H13-250711-00103")?["ChuHoSo"] as? String == "Phạm Minh Châu")
            #expect(try await lookUp("000.00.12.H13-250711-00104") == nil)
            // An update replaces what a look-up answers.
            var update = sync(session, updating: "True")
            update["data"] = [row("000.00.12.H13-250711-00102", "Lê Thị Bình Minh")]
            _ = try await post(base + "/api/dvcqg/integration", update)
            #expect(try await lookUp("000.00.12.H13-250711-00102")?["ChuHoSo"] as? String == "Lê Thị Bình Minh")
        }
    }

    @Test func sessionsLapseAfterTheirLifetime() async throws {
        let mock = DVCQGMock(password: "pw", sessionLifetime: .milliseconds(200))
        let (port, task) = try await MockSystems.serve(mock.server, logger: Logger(label: "mock-test"))
        defer { task.cancel() }
        let base = "http://127.0.0.1:\(port)"
        let session = try await login(base)
        #expect(try await post(base + "/api/dvcqg/integration", sync(session)).1["error_code"] as? String == "0")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await post(base + "/api/dvcqg/integration", sync(session)).1["error_code"] as? String == "-2")
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    @Test(arguments: [
        ("MaTTHC", nil, "missing MaTTHC"),
        ("TrangThaiHoSo", "2", "TrangThaiHoSo must be a string"),
        ("TrangThaiHoSo", "\"11\"", "TrangThaiHoSo must be one of"),
        ("KenhThucHien", "\"4\"", "KenhThucHien must be one of"),
        ("NgayTiepNhan", "\"11/07/2025 08:30:00\"", "must be yyyyMMddHHmmss"),
        ("NgayTiepNhan", "\"20251311083000\"", "must be yyyyMMddHHmmss"),
        ("NgayTiepNhan", "\"20250711243000\"", "must be yyyyMMddHHmmss"),
        ("NgayTiepNhan", "\"2025071108300\"", "must be yyyyMMddHHmmss"),
        ("NgayHenTra", "\"2025071416000٠\"", "must be yyyyMMddHHmmss"),
        ("NgayTra", nil, "missing NgayTra"),
        ("TrichYeuHoSo", "\"\(String(repeating: "x", count: 1_001))\"", "TrichYeuHoSo is longer than 1000"),
        ("DanhSachLePhi", "[{\"TenPhiLePhi\":\"Lệ phí\",\"MucPhi\":\"50000\"}]", "the amount is Gia, not MucPhi"),
        ("MaDoiTuong", "\"092301004217\"", "MaDoiTuong is for online dossiers only"),
    ] as [(String, String?, String)])
    func refusesContractViolationsWith400AndTheReason(field: String, value: String?, reason: String) async throws {
        try await withMock { base, mock in
            let session = try await login(base)
            var hoSo = Self.hoSo
            hoSo[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, answer) = try await post(base + "/api/dvcqg/integration", sync(session, hoSo))
            #expect(status == 400)
            #expect((answer["message"] as? String)?.contains(reason) == true, "answer: \(answer)")
            let entry = try #require(await mock.control.journal.all().last)
            #expect(!entry.accepted)
            #expect(entry.rejection?.contains(reason) == true)
        }
    }

    @Test func refusesMoreThanTenProgressRows() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            _ = try await post(base + "/api/dvcqg/integration", sync(session))
            let row: [String: Any] = ["MaHoSo": "000.00.12.H13-250711-00042", "NguoiXuLy": "Cán bộ", "ThoiDiemXuLy": "20250711090000", "NoiDungXuLy": "Xử lý", "TrangThai": "4", "NgayBatDau": "", "NgayKetThucTheoQuyDinh": ""]
            let body = { (count: Int) -> [String: Any] in ["session": session, "madonvi": "x", "service": "CapNhatTienDoHoSoMC", "data": Array(repeating: row, count: count)] }
            #expect(try await post(base + "/api/dvcqg/integration", body(10)).0 == 200)
            let (status, answer) = try await post(base + "/api/dvcqg/integration", body(11))
            #expect(status == 400)
            #expect((answer["message"] as? String)?.contains("at most 10") == true)
        }
    }

    @Test func expiresSessionsOnDemand() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            _ = try await http.send(OutboundRequest(url: base + "/_control/expire-sessions"))
            let (status, answer) = try await post(base + "/api/dvcqg/integration", sync(session))
            #expect(status == 200)
            #expect(answer["error_code"] as? String == "-2")
        }
    }

    @Test func injectsPlannedFaultsThenRecovers() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            let plan = #"{"status":503,"retryAfterSeconds":2,"count":2,"operation":"DongBoHoSoMC"}"#
            let planned = try await http.send(OutboundRequest(url: base + "/_control/faults", body: Array(plan.utf8)))
            #expect(planned.status == 204)
            let first = try await http.send(OutboundRequest(url: base + "/api/dvcqg/integration", body: Array(try JSONSerialization.data(withJSONObject: sync(session)))))
            #expect(first.status == 503)
            #expect(first.header("Retry-After") == "2")
            #expect(try await post(base + "/api/dvcqg/integration", sync(session)).0 == 503)
            #expect(try await post(base + "/api/dvcqg/integration", sync(session)).0 == 200)
        }
    }

    @Test func dropsConnectionsAndDelaysOnDemand() async throws {
        try await withMock { base, mock in
            let session = try await login(base)
            await mock.control.faults.add(FaultPlan(dropConnection: true, count: 1))
            do {
                _ = try await post(base + "/api/dvcqg/integration", sync(session))
                Issue.record("a dropped connection must fail the call")
            } catch let error as TransportError {
                #expect(error.kind == .connectionReset || error.kind == .other)
            }
            await mock.control.faults.add(FaultPlan(latencyMilliseconds: 300, count: 1))
            let started = ContinuousClock.now
            #expect(try await post(base + "/api/dvcqg/integration", sync(session)).0 == 200)
            #expect(started.duration(to: .now) >= .milliseconds(300))
        }
    }

    @Test func journalIsReadableOverHTTP() async throws {
        try await withMock { base, _ in
            let session = try await login(base)
            _ = try await http.send(OutboundRequest(url: base + "/api/dvcqg/integration", headers: [("Idempotency-Key", "e1/dvcqg/DongBoHoSoMC"), ("dstcode", DVCQGMock.devDestination)], body: Array(try JSONSerialization.data(withJSONObject: sync(session)))))
            let response = try await http.send(OutboundRequest(method: "GET", url: base + "/_control/journal"))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let entries = try decoder.decode([JournalEntry].self, from: Data(response.body))
            #expect(entries.map(\.operation) == ["login", "DongBoHoSoMC"])
            #expect(entries[1].dossiers == ["000.00.12.H13-250711-00042"])
            #expect(entries[1].statuses == ["2"])
            #expect(entries[1].idempotencyKey == "e1/dvcqg/DongBoHoSoMC")
            #expect(entries[1].accepted)
        }
    }
}
