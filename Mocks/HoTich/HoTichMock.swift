import Foundation
import Hummingbird
import MockSupport

/// A mock electronic civil registry that enforces `Contracts/hotich/openapi.json`:
/// an OAuth2 client-credentials token endpoint, `NhanDKHT` (registrations, `data` a JSON
/// string holding `hoTich`) and the read-only result poll.
public struct HoTichMock: Sendable {
    public struct Paths: Sendable {
        public var token = "/oauth2/token"
        public var receive = "/api/hotich/NhanDKHT"
        public var results = "/api/hotich/KetQuaDKHT"
        public init() {}
    }

    public let control: MockControl
    let tokens: MockTokens
    let state = HoTichState()
    let clientID: String
    let clientSecret: String
    let paths: Paths

    public init(clientID: String = "motcua-cantho", clientSecret: String = "dev-secret", paths: Paths = Paths()) {
        let tokens = MockTokens()
        self.tokens = tokens
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.paths = paths
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    public var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.token)) { request, _ in
            await control.serve(request, operation: { _ in "token" }, idempotent: false) { request in
                await MockOAuth2.grant(request, clientID: clientID, clientSecret: clientSecret, tokens: tokens)
            }
        }
        router.post(RouterPath(paths.receive)) { request, _ in
            await control.serve(request, operation: { _ in "NhanDKHT" }, describe: { request in
                guard case .success(let body) = request.body else { return }
                request.dossiers = [body["maHoSoMCDT"] as? String].compactMap { $0 }
                request.statuses = [body["module"] as? String].compactMap { $0 }
            }) { request in
                await receive(request)
            }
        }
        router.post(RouterPath(paths.results)) { request, _ in
            await control.serve(request, operation: { _ in "KetQuaDKHT" }, idempotent: false) { request in
                await results(request)
            }
        }
        return MockServer(name: "hotich", router: router)
    }

    private func receive(_ request: MockRequest) async -> MockAnswer {
        guard await tokens.isValid(request.bearerToken) else {
            return Self.refusal(status: 401, code: "401", "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let dossier = try HoTichContract.registration(body)
            guard await state.receive(dossier) else {
                return Self.refusal(status: 200, code: "E01", "Hồ sơ \(dossier) đã được tiếp nhận trước đó")
            }
            return .json(["status": "1", "statusDescription": "Tiếp nhận thành công", "errorCode": "", "errorDescription": ""], code: "1", accepted: true)
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return Self.refusal(status: 400, code: "400", "Dữ liệu không hợp lệ: \(reason)")
        }
    }

    private func results(_ request: MockRequest) async -> MockAnswer {
        guard await tokens.isValid(request.bearerToken) else {
            return Self.refusal(status: 401, code: "401", "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let codes = try MockContract.array(body, "maDinhDanhHoSo")
            _ = try MockContract.string(body, "maTinh")
            var value: [[String: Any]] = []
            for case let code as String in codes where await state.knows(code) {
                value.append(["maHoSoMCDT": code, "trangThai": "1", "ghiChu": "Đang xử lý"])
            }
            return .json(["status": "1", "value": value], code: "1", accepted: true)
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return Self.refusal(status: 400, code: "400", "Dữ liệu không hợp lệ: \(reason)")
        }
    }

    static func refusal(status: Int, code: String, _ description: String) -> MockAnswer {
        .json(["status": "0", "statusDescription": "Thất bại", "errorCode": code, "errorDescription": description], status: status, code: "0", accepted: false, rejection: description)
    }
}

/// The request rules of `Contracts/hotich/openapi.json`.
enum HoTichContract {
    /// Checks a `NhanDKHT` body and returns its one-stop dossier code.
    static func registration(_ body: [String: Any]) throws -> String {
        _ = try MockContract.string(body, "maDonVi")
        _ = try MockContract.string(body, "module")
        let dossier = try MockContract.string(body, "maHoSoMCDT")
        _ = try MockContract.optionalString(body, "maHoSoLT")
        _ = try MockContract.slashedDate(body, "ngayTiepNhan")
        let data = try MockContract.embeddedObject(body, "data")
        guard data["hoTich"] is [String: Any] else { throw MockContractViolation("data must hold a hoTich object") }
        for (index, file) in try MockContract.array(body, "fileDinhKem").enumerated() {
            guard let file = file as? [String: Any] else { throw MockContractViolation("fileDinhKem[\(index)] must be an object") }
            _ = try MockContract.string(file, "tenTep", in: "fileDinhKem[\(index)]")
        }
        return dossier
    }
}

/// Registrations the mock has received.
actor HoTichState {
    private var received: Set<String> = []

    func receive(_ dossier: String) -> Bool { received.insert(dossier).inserted }
    func knows(_ dossier: String) -> Bool { received.contains(dossier) }
}
