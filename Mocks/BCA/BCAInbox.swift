import Foundation
import Hummingbird
import MockSupport

/// The portal's inbox: interconnected dossiers citizens filed on the national portal, listed
/// until the province acknowledges them (`daNhan: true`). Tests and the dev stack add them
/// through `POST /_control/portal/dossiers {count}`.
actor BCAPortalInbox {
    struct Dossier: Sendable {
        var id: Int
        var code: String
        var module: String
        var procedure: String
        var receivedAt: String
        var child: String
        var mother: String
        var motherIdentity: String
        var acknowledged = false
    }

    private var dossiers: [Dossier] = []

    /// Adds `count` dossiers, births and deaths in turn; returns their codes.
    func add(_ count: Int) -> [String] {
        (0..<count).map { _ in
            let number = dossiers.count + 1
            let birth = number % 2 == 1
            let dossier = Dossier(
                id: 9_000 + number, code: String(format: "G22.99.9-251207-%04d", number), module: birth ? "LTKS" : "LTKT",
                procedure: birth ? "2.000986" : "1.011733", receivedAt: "07/12/2025 08:\(String(format: "%02d", number % 60)):00",
                child: birth ? "Lê Minh Khôi" : "Lê Văn Tám", mother: "Nguyễn Thị Mai", motherIdentity: String(format: "0921900%05d", number)
            )
            dossiers.append(dossier)
            return dossier.code
        }
    }

    func listed() -> [Dossier] { dossiers.filter { !$0.acknowledged } }

    func dossier(id: Int) -> Dossier? { dossiers.first { $0.id == id } }

    /// Marks the dossier acknowledged; false when the portal has no such dossier.
    func acknowledge(_ code: String) -> Bool {
        guard let index = dossiers.firstIndex(where: { $0.code == code }) else { return false }
        dossiers[index].acknowledged = true
        return true
    }

    var acknowledged: [String] { dossiers.filter(\.acknowledged).map(\.code) }
}

extension BCAPortalInbox.Dossier {
    var listRow: [String: Any] {
        ["id": id, "maDonVi": 5, "maTTHC": procedure, "module": module, "maHoSo": code, "ngayTiepNhan": receivedAt, "techId": "tech-\(id)"]
    }

    /// The detail: the row, the `<hoTich>` record as an XML string, and the papers inline.
    var detail: [String: Any] {
        let person = module == "LTKS"
            ? "<nksHoTen>\(child)</nksHoTen><nksNgaySinh>01.12.2025</nksNgaySinh><nksGioiTinh>1</nksGioiTinh>"
            : "<nktHoTen>\(child)</nktHoTen><nktNgayChet>01.12.2025</nktNgayChet>"
        let xml = "<hoTich>\(person)<me><hoTen>\(mother)</hoTen><soDinhDanh>\(motherIdentity)</soDinhDanh></me>"
            + "<noiCuTru><maTinh>92</maTinh><maXa>31117</maXa><dcChiTiet>Khu vực 1, phường Ninh Kiều</dcChiTiet></noiCuTru></hoTich>"
        var detail = listRow
        detail["duLieuHoTich"] = xml
        detail["fileDinhKem"] = [["tenGiayTo": "Tờ khai", "tenTepDinhKem": "to-khai.pdf", "duLieuTepDinhKem": Data("%PDF-1.4 \(code)".utf8).base64EncodedString()]]
        return detail
    }
}

extension BCAMock {
    func registerInbox(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(paths.list)) { request, _ in
            await control.serve(request, operation: { _ in "list" }, idempotent: false) { request in
                guard await tokens.isValid(request.bearerToken) else { return Self.problem(401, "Unauthorized", "Token không hợp lệ hoặc đã hết hạn") }
                return .json(["data": await inbox.listed().map(\.listRow)], accepted: true)
            }
        }
        router.get(RouterPath(paths.list + "/:id")) { request, context in
            let id = context.parameters.get("id", as: Int.self)
            return await control.serve(request, operation: { _ in "detail" }, idempotent: false) { request in
                guard await tokens.isValid(request.bearerToken) else { return Self.problem(401, "Unauthorized", "Token không hợp lệ hoặc đã hết hạn") }
                guard let id, let dossier = await inbox.dossier(id: id) else { return Self.problem(404, "Not Found", "Hồ sơ không tồn tại") }
                return .json(["data": dossier.detail], accepted: true)
            }
        }
        router.put(RouterPath(paths.acknowledge)) { request, _ in
            await control.serve(request, operation: { _ in "danhan" }, describe: { request in
                guard case .success(let body) = request.body else { return }
                request.dossiers = [body["maHoSo"] as? String].compactMap { $0 }
            }, idempotent: false) { request in
                guard await tokens.isValid(request.bearerToken) else { return Self.problem(401, "Unauthorized", "Token không hợp lệ hoặc đã hết hạn") }
                do {
                    let body = try request.body.get()
                    let code = try MockContract.string(body, "maHoSo")
                    guard body["daNhan"] as? Bool == true else { throw MockContractViolation("body.daNhan must be true") }
                    guard await inbox.acknowledge(code) else { return Self.problem(404, "Not Found", "Hồ sơ không tồn tại") }
                    return .json(["status": 200, "title": "Cập nhật thành công"], code: "200", accepted: true)
                } catch {
                    return Self.problem(400, "Bad Request", (error as? MockContractViolation)?.description ?? "\(error)")
                }
            }
        }
        let portal = router.group("_control/portal")
        portal.post("dossiers") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let count = object["count"] as? Int, (1...10_000).contains(count) else {
                return MockJSON.response(["error": "dossiers are {count: 1 to 10000}"], status: .badRequest)
            }
            return MockJSON.response(["dossiers": await inbox.add(count)])
        }
        portal.get("acknowledged") { _, _ in MockJSON.response(["dossiers": await inbox.acknowledged]) }
    }
}
