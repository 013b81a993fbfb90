import AdapterSupport
import Foundation
import GatewayModel

/// The calls VBDLIS makes to the province (`…/{call}/{securityCode}`), and what each must carry:
/// `Contracts/vbdlis/callbacks.openapi.json`. The facts name the calls and the answer
/// `{Result, Message, Data}`; the fields beyond `SoBienNhan` are our reading, marked assumed there.
package enum VBDLISCallbacks {
    package static let calls = [
        "ChuyenHoSo", "YeuCauBoSungHoSo", "NhanBoSungHoSo", "GuiKetQuaThue", "KetThucHoSo", "TiepNhanHoSoChoMotCua", "YeuCauCapNhatHoSo",
    ]

    /// Fields each call must carry besides `SoBienNhan`.
    static let required: [String: [String]] = [
        "YeuCauBoSungHoSo": ["NoiDung"],
        "GuiKetQuaThue": ["ThongTinThue"],
        "YeuCauCapNhatHoSo": ["NoiDung"],
    ]

    /// A callback that breaks the contract, with the reason (field and rule, never the value).
    package struct Violation: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// Checks a callback's body and returns it with its dossier code (`SoBienNhan`).
    package static func validate(call: String, body: [UInt8]) -> Result<(dossierCode: String, body: [String: JSONValue]), Violation> {
        guard calls.contains(call) else { return .failure(Violation(description: "unknown call \(call.prefix(40)); known: \(calls.joined(separator: ", "))")) }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            return .failure(Violation(description: "the body is not a JSON object"))
        }
        guard case .string(let dossier)? = object["SoBienNhan"], !dossier.isEmpty, dossier.count <= 64 else {
            return .failure(Violation(description: "SoBienNhan must be the dossier code, 1 to 64 characters"))
        }
        for field in required[call] ?? [] {
            guard let value = object[field], value != .null, value != .string("") else {
                return .failure(Violation(description: "\(call) needs \(field)"))
            }
        }
        for (name, value) in object where name.hasPrefix("Ngay") {
            guard case .string(let text) = value else {
                if value == .null { continue }
                return .failure(Violation(description: "\(name) must be a date yyyy-MM-ddTHH:mm:ss"))
            }
            guard isLocalDateTime(text) else { return .failure(Violation(description: "\(name) must be a date yyyy-MM-ddTHH:mm:ss")) }
        }
        return .success((dossier, object))
    }

    /// `yyyy-MM-ddTHH:mm:ss`, optionally with a fraction, as VBDLIS writes local times.
    static func isLocalDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digits.allSatisfy({ (48...57).contains(bytes[$0]) }), bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58 else { return false }
        return bytes.count == 19 || (bytes[19] == 46 && bytes.count > 20 && bytes[20...].allSatisfy { (48...57).contains($0) })
    }

    /// The answer VBDLIS reads: `{Result: 1|0, Message, Data}`.
    package static func answer(accepted: Bool, _ message: String) -> [UInt8] {
        let body: [String: JSONValue] = ["Result": .integer(accepted ? 1 : 0), "Message": .string(message), "Data": .null]
        return Array((try? JSONEncoder().encode(body)) ?? Data())
    }

    /// The inbound event type of `call`: `vn.gov.vbdlis.chuyenhoso`.
    package static func eventType(_ call: String) -> String { "vn.gov.vbdlis." + call.lowercased() }
}

/// A callback from VBDLIS as the inbound topic carries it.
package struct LandCallback: Codable, Sendable, Equatable {
    package static let source = "/gateway/vbdlis"

    /// The call: `ChuyenHoSo`, `KetThucHoSo`, …
    package var call: String
    /// `SoBienNhan`.
    package var dossierCode: String
    /// The body as VBDLIS sent it.
    package var body: [String: JSONValue]

    package init(call: String, dossierCode: String, body: [String: JSONValue]) {
        self.call = call
        self.dossierCode = dossierCode
        self.body = body
    }
}
