import Foundation
import Hummingbird
import MockSupport

/// The result poll's rows as the registry writes them: `trangThai` as a number, times
/// `dd/MM/yyyy HH:mm:ss`, and with result issued (4) the registry record in `ketQuaXuLy`,
/// its numbers and the certificate (`giayKhaiSinh` for a birth, `giayKhaiTu` for a death).
enum HoTichResultRow {
    static let notes = [1: "Đã gửi", 2: "Cần bổ sung hồ sơ", 3: "Hồ sơ đủ điều kiện", 4: "Đã có kết quả", 6: "Từ chối đăng ký"]

    static func row(_ dossier: String, _ registration: HoTichState.Registration, trangThai: Int, province: String) -> [String: Any] {
        var row: [String: Any] = [
            "maDonVi": registration.office, "maTinh": province, "module": registration.module,
            "maHoSoLT": registration.interconnectCode ?? NSNull(), "maHoSoMCDT": dossier, "errors": NSNull(),
            "trangThai": trangThai, "thoiGianThucHien": slashed(Date()), "ghiChu": notes[trangThai] ?? "",
            "ketQuaXuLy": NSNull(), "nguoiXuLy": NSNull(), "chucDanh": NSNull(), "phongBanXuLy": NSNull(), "noiDungXuLy": NSNull(), "hanBoSungHoSo": NSNull(),
        ]
        if trangThai != 1 {
            row["nguoiXuLy"] = "Công chức tư pháp - hộ tịch"
            row["chucDanh"] = "Công chức"
            row["phongBanXuLy"] = "UBND phường \(registration.office)"
        }
        if trangThai == 2 {
            row["noiDungXuLy"] = "Bổ sung giấy chứng sinh"
            row["hanBoSungHoSo"] = slashed(Date().addingTimeInterval(3 * 86_400))
        }
        if trangThai == 4 { row["ketQuaXuLy"] = result(dossier, registration) }
        return row
    }

    /// The registry record of an issued registration: what was registered, plus the numbers the
    /// registry gave it and the certificate.
    static func result(_ dossier: String, _ registration: HoTichState.Registration) -> [String: Any] {
        var record = (try? JSONSerialization.jsonObject(with: registration.record)) as? [String: Any] ?? [:]
        let number = abs(dossier.hashValueStable) % 1_000
        record["soDangKy"] = "\(number)/2025"
        record["quyenSo"] = "01/2025"
        record["trangSo"] = String(number % 500 + 1)
        record["maGiayToKetQua"] = "\(registration.module)-\(dossier)-KQ"
        record["ngayDangKy"] = dotted(Date())
        let certificate = Data("%PDF-1.4 giấy \(registration.module) \(dossier)".utf8).base64EncodedString()
        switch registration.module {
        case "LTKS":
            record["soDinhDanh"] = String(format: "0922%08d", abs(dossier.hashValueStable) % 100_000_000)
            record["giayKhaiSinh"] = certificate
        case "LTKT":
            // The deceased's own number.
            record["soDinhDanh"] = record["nktSoDinhDanh"] ?? String(format: "0921%08d", abs(dossier.hashValueStable) % 100_000_000)
            record["giayKhaiTu"] = certificate
        default:
            break
        }
        return record
    }

    static func slashed(_ date: Date) -> String { format(date, "dd/MM/yyyy HH:mm:ss") }
    static func dotted(_ date: Date) -> String { format(date, "dd.MM.yyyy") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        Int(truncatingIfNeeded: utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 } >> 1)
    }
}

extension HoTichMock {
    /// `POST /_control/registry/pace {eligibleAfterMilliseconds, issuedAfterMilliseconds}`: how
    /// fast registrations move on by themselves. `POST /_control/registry/state {maHoSoMCDT,
    /// trangThai}`: sets one registration's state, where it then stays.
    func registerRegistryControl(on router: Router<BasicRequestContext>) {
        let group = router.group("_control/registry")
        group.post("pace") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let pace = try? JSONDecoder().decode(HoTichState.Pace.self, from: Data(buffer: body)),
                  pace.eligibleAfterMilliseconds >= 0, pace.issuedAfterMilliseconds >= pace.eligibleAfterMilliseconds else {
                return MockJSON.response(["error": "a pace is {eligibleAfterMilliseconds, issuedAfterMilliseconds}, the second not below the first"], status: .badRequest)
            }
            await state.setPace(pace)
            return Response(status: .noContent)
        }
        group.post("state") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let dossier = object["maHoSoMCDT"] as? String, let trangThai = object["trangThai"] as? Int, [1, 2, 3, 4, 6].contains(trangThai) else {
                return MockJSON.response(["error": "a state is {maHoSoMCDT, trangThai: 1, 2, 3, 4 or 6}"], status: .badRequest)
            }
            guard await state.set(dossier, state: trangThai) else {
                return MockJSON.response(["error": "no registration \(dossier)"], status: .notFound)
            }
            return Response(status: .noContent)
        }
    }
}
