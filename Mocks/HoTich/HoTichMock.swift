import Foundation
import Hummingbird
import MockSupport

/// A mock electronic civil registry that enforces `Contracts/hotich/openapi.json`:
/// `NhanDKHT` (registrations: `data` the flat record as a JSON string with `dd.MM.yyyy`
/// dates, papers inline as base64) and the read-only result poll. No auth, as public clients
/// call it; an OAuth2 client-credentials token when asked for.
package struct HoTichMock: Sendable {
    package struct Paths: Sendable {
        package var token = "/oauth2/token"
        package var receive = "/api/hotich/NhanDKHT"
        package var results = "/api/hotich/KetQuaDKHT"
        package init() {}
    }

    package let control: MockControl
    let tokens: MockTokens
    let state = HoTichState()
    let clientID: String
    let clientSecret: String
    /// Whether calls need a bearer token.
    let requiresToken: Bool
    let paths: Paths

    package init(clientID: String = HoTichMock.devClientID, clientSecret: String = HoTichMock.devClientSecret, requiresToken: Bool = false, paths: Paths = Paths()) {
        self.requiresToken = requiresToken
        let tokens = MockTokens()
        self.tokens = tokens
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.paths = paths
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    package var server: MockServer {
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
        registerRegistryControl(on: router)
        router.post(RouterPath(paths.results)) { request, _ in
            await control.serve(request, operation: { _ in "KetQuaDKHT" }, idempotent: false) { request in
                await results(request)
            }
        }
        return MockServer(name: Self.name, router: router)
    }

    private func receive(_ request: MockRequest) async -> MockAnswer {
        if requiresToken, !(await tokens.isValid(request.bearerToken)) {
            return Self.refusal(status: 401, code: "401", "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let dossier = try HoTichContract.registration(body)
            let registration = HoTichState.Registration(
                office: try MockContract.string(body, "maDonVi"), module: try MockContract.code(body, "module", allowed: HoTichContract.modules),
                interconnectCode: try MockContract.optionalString(body, "maHoSoLT"),
                receivedAt: try MockContract.slashedDate(body, "ngayTiepNhan"), receivedOn: Date(),
                record: try JSONSerialization.data(withJSONObject: try MockContract.embeddedObject(body, "data")), setState: nil
            )
            guard await state.receive(dossier, registration) else {
                return Self.refusal(status: 200, code: "E01", "Hồ sơ \(dossier) đã được tiếp nhận trước đó")
            }
            return .json(["status": "1", "statusDescription": "Tiếp nhận thành công", "errorCode": "", "errorDescription": ""], code: "1", accepted: true)
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return Self.refusal(status: 400, code: "400", "Dữ liệu không hợp lệ: \(reason)")
        }
    }

    private func results(_ request: MockRequest) async -> MockAnswer {
        if requiresToken, !(await tokens.isValid(request.bearerToken)) {
            return Self.refusal(status: 401, code: "401", "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let (codes, module) = try HoTichContract.poll(body)
            var value: [[String: Any]] = []
            for code in codes {
                // A registration of another module is not found, as at the registry.
                guard let registration = await state.registration(code), registration.module == module,
                      let trangThai = await state.state(of: code) else { continue }
                value.append(HoTichResultRow.row(code, registration, trangThai: trangThai, province: String(body["maTinh"] as? String ?? "")))
            }
            return .json(["status": 1, "statusDescription": "Thành công", "value": value], code: "1", accepted: true)
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return Self.refusal(status: 400, code: "400", "Dữ liệu không hợp lệ: \(reason)")
        }
    }

    static func refusal(status: Int, code: String, _ description: String) -> MockAnswer {
        .json(["status": "0", "statusDescription": "Thất bại", "errorCode": code, "errorDescription": description], status: status, code: "0", accepted: false, rejection: description)
    }
}

extension HoTichMock: MockSystem {
    package static let name = "hotich"
    package static let defaultPort = 18_084
    package static let devClientID = "motcua-cantho"
    package static let devClientSecret = "dev-secret"
    /// No auth by default, so no secret.
    package static var devSecrets: [String: String] { [:] }

    /// The registry as public clients call it: no auth. `maTinh` of the poll is Cần Thơ's, and
    /// registrations whose event names no office go to Ninh Kiều's.
    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "provinceCode": "92", "unitCode": "31117"]
    }

    package init() { self.init(clientID: Self.devClientID, clientSecret: Self.devClientSecret, requiresToken: false, paths: Paths()) }
}
