import Foundation
import Hummingbird
import MockSupport

/// A mock National Public Service Portal that enforces `Contracts/dvcqg/openapi.json`:
/// login, integration (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`) and sharing (`TraCuuHoSo`, `LayThuTuc`).
package struct DVCQGMock: Sendable {
    package struct Paths: Sendable {
        package var login = "/api/dvcqg/login"
        package var integration = "/api/dvcqg/integration"
        package var sharing = "/api/dvcqg/sharing"
        package init() {}
    }

    package let control: MockControl
    let state: DVCQGState
    let paths: Paths

    package init(username: String = DVCQGMock.devUsername, password: String = DVCQGMock.devPassword, paths: Paths = Paths()) {
        let state = DVCQGState(username: username, password: password)
        self.state = state
        self.paths = paths
        self.control = MockControl(expireSessions: { await state.expireSessions() })
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.login)) { request, _ in await handle(request, kind: .login) }
        router.post(RouterPath(paths.integration)) { request, _ in await handle(request, kind: .integration) }
        router.post(RouterPath(paths.sharing)) { request, _ in await handle(request, kind: .sharing) }
        return MockServer(name: Self.name, router: router)
    }

    enum Kind { case login, integration, sharing }

    private func handle(_ request: Request, kind: Kind) async -> Response {
        await control.serve(request, operation: { body in
            kind == .login ? "login" : ((try? body.get())?["service"] as? String) ?? "unknown"
        }, describe: { request in
            guard case .success(let body) = request.body, let rows = body["data"] as? [[String: Any]] else { return }
            request.dossiers = rows.compactMap { $0["MaHoSo"] as? String }
            if request.operation == "DongBoHoSoMC" { request.statuses = rows.compactMap { $0["TrangThaiHoSo"] as? String } }
        }) { request in
            switch request.body {
            case .failure(let violation):
                return DVCQGAnswer.violation(violation)
            case .success(let body):
                switch kind {
                case .login: return await login(body)
                case .integration: return await integration(body, operation: request.operation)
                case .sharing: return await sharing(body, operation: request.operation)
                }
            }
        }
    }

    private func login(_ body: [String: Any]) async -> MockAnswer {
        guard let username = body["username"] as? String, let password = body["password"] as? String else {
            return DVCQGAnswer.violation(MockContractViolation("login needs string fields username and password"))
        }
        guard let session = await state.login(username: username, password: password) else {
            return DVCQGAnswer.refused(code: "-1", message: "Tên đăng nhập hoặc mật khẩu không đúng")
        }
        return DVCQGAnswer.ok(["error_code": "0", "message": "Đăng nhập thành công", "session": session])
    }

    private func integration(_ body: [String: Any], operation: String) async -> MockAnswer {
        do {
            let session = try MockContract.string(body, "session")
            _ = try MockContract.string(body, "madonvi")
            guard await state.isValid(session: session) else {
                return DVCQGAnswer.refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "DongBoHoSoMC":
                let (isUpdating, rows) = try DVCQGContract.dossierSync(body)
                for row in rows {
                    let code = row["MaHoSo"] as! String
                    if !isUpdating, await state.knows(code) {
                        return DVCQGAnswer.refused(code: "-3", message: "Hồ sơ \(code) đã tồn tại trên hệ thống")
                    }
                }
                for row in rows {
                    let stored = try JSONSerialization.data(withJSONObject: row)
                    await state.store(row["MaHoSo"] as! String, stored)
                }
                return DVCQGAnswer.ok(["error_code": "0", "message": "Thành công"])
            case "CapNhatTienDoHoSoMC":
                let rows = try DVCQGContract.progress(body)
                for row in rows where !(await state.knows(row["MaHoSo"] as! String)) {
                    return DVCQGAnswer.refused(code: "-4", message: "Không tìm thấy hồ sơ \(row["MaHoSo"] as! String)")
                }
                await state.addProgress(rows.count)
                return DVCQGAnswer.ok(["error_code": "0", "message": "Thành công"])
            default:
                throw MockContractViolation("service must be DongBoHoSoMC or CapNhatTienDoHoSoMC, got \(operation)")
            }
        } catch let violation as MockContractViolation {
            return DVCQGAnswer.violation(violation)
        } catch {
            return DVCQGAnswer.violation(MockContractViolation("\(error)"))
        }
    }

    private func sharing(_ body: [String: Any], operation: String) async -> MockAnswer {
        do {
            let session = try MockContract.string(body, "session")
            guard await state.isValid(session: session) else {
                return DVCQGAnswer.refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "TraCuuHoSo":
                let code = try MockContract.string(body, "mahoso")
                let found = await state.dossier(code).flatMap { try? JSONSerialization.jsonObject(with: $0) }.map { [$0] } ?? []
                return DVCQGAnswer.ok(["error_code": "0", "result": found])
            case "LayThuTuc":
                let code = try MockContract.string(body, "maTTHC")
                return DVCQGAnswer.ok(["error_code": "0", "result": [["MaTTHC": code, "TenTTHC": "Thủ tục \(code)"]]])
            default:
                throw MockContractViolation("service must be TraCuuHoSo or LayThuTuc, got \(operation)")
            }
        } catch let violation as MockContractViolation {
            return DVCQGAnswer.violation(violation)
        } catch {
            return DVCQGAnswer.violation(MockContractViolation("\(error)"))
        }
    }
}

/// DVCQG's answers: `error_code` "0" when applied, a negative code and a Vietnamese message when not.
enum DVCQGAnswer {
    static func ok(_ object: [String: Any]) -> MockAnswer {
        .json(object, code: object["error_code"] as? String, accepted: true)
    }

    static func refused(code: String, message: String) -> MockAnswer {
        .json(["error_code": code, "message": message], code: code, accepted: false, rejection: message)
    }

    static func violation(_ violation: MockContractViolation) -> MockAnswer {
        .json(["error_code": "-1", "message": "Dữ liệu không hợp lệ: \(violation.description)"], status: 400, code: "-1", accepted: false, rejection: violation.description)
    }
}

extension DVCQGMock: MockSystem {
    package static let name = "dvcqg"
    package static let defaultPort = 18_081
    package static let devUsername = "gateway"
    package static let devPassword = "dev-password"
    package static var devSecrets: [String: String] { ["DVCQG_PASSWORD": devPassword] }

    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "username": devUsername]
    }

    package init() { self.init(username: Self.devUsername, password: Self.devPassword, paths: Paths()) }
}
