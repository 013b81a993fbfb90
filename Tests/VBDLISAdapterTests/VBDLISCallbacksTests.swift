import Foundation
import GatewayModel
import Testing
@testable import VBDLISAdapter

/// The contract of VBDLIS's calls back to the province, checked before anything is published.
@Suite struct VBDLISCallbacksTests {
    func body(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

    @Test func everyNamedCallWithItsDossierCodeAndLocalDatesIsTaken() throws {
        for call in VBDLISCallbacks.calls {
            var object: [String: Any] = ["SoBienNhan": "000.00.15.H13-251207-00001", "NgayXuLy": "2025-12-07T09:00:00", "NgayKhac": "2025-12-07T09:00:00.123"]
            object["NoiDung"] = "Bổ sung"
            object["ThongTinThue"] = ["SoTien": 1_200_000]
            let checked = try VBDLISCallbacks.validate(call: call, body: body(object)).get()
            #expect(checked.dossierCode == "000.00.15.H13-251207-00001")
            #expect(checked.body["NoiDung"] == JSONValue.string("Bổ sung"))
        }
    }

    @Test(arguments: [
        ("KetThucHoSo", #"["a"]"#, "not a JSON object"),
        ("KetThucHoSo", #"{"SoBienNhan": ""}"#, "SoBienNhan"),
        ("KetThucHoSo", #"{"SoBienNhan": 42}"#, "SoBienNhan"),
        ("YeuCauBoSungHoSo", #"{"SoBienNhan": "X", "NoiDung": ""}"#, "needs NoiDung"),
        ("GuiKetQuaThue", #"{"SoBienNhan": "X"}"#, "needs ThongTinThue"),
        ("KetThucHoSo", #"{"SoBienNhan": "X", "NgayKetThuc": "07/12/2025 09:00:00"}"#, "NgayKetThuc"),
        ("KetThucHoSo", #"{"SoBienNhan": "X", "NgayKetThuc": 20251207}"#, "NgayKetThuc"),
        ("HuyHoSo", #"{"SoBienNhan": "X"}"#, "unknown call"),
    ])
    func aCallThatBreaksTheContractIsRefusedNamingTheRule(call: String, text: String, reason: String) {
        guard case .failure(let violation) = VBDLISCallbacks.validate(call: call, body: Array(text.utf8)) else {
            Issue.record("\(call) \(text) was taken")
            return
        }
        #expect(violation.description.contains(reason), "\(violation.description)")
        #expect(!violation.description.contains("07/12/2025"), "the value is never repeated")
    }

    @Test func theContractNamesEveryCallAndEachExampleIsTaken() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Contracts/vbdlis/callbacks.openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == Set(VBDLISCallbacks.calls.map { "/\($0)/{securityCode}" }))
        for (path, item) in paths {
            let call = String(path.dropFirst().prefix { $0 != "/" })
            let post = try #require(item["post"] as? [String: Any])
            let content = try #require(((post["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
            let example = try JSONSerialization.data(withJSONObject: try #require(content["example"]))
            #expect((try? VBDLISCallbacks.validate(call: call, body: Array(example)).get()) != nil, "the \(call) example is taken")
        }
    }

    @Test func theAnswerIsResultMessageData() throws {
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(VBDLISCallbacks.answer(accepted: true, "đã nhận"))) as? [String: Any])
        #expect(answer["Result"] as? Int == 1 && answer["Message"] as? String == "đã nhận" && answer["Data"] is NSNull)
        #expect(VBDLISCallbacks.eventType("KetThucHoSo") == "vn.gov.vbdlis.ketthuchoso")
    }
}
