import Foundation
import MockSupport

/// The request rules of `Contracts/vbdlis/openapi.json`.
enum VBDLISContract {
    static func handOver(_ body: [String: Any]) throws {
        guard (body["LaQuyTrinhCapTinh"] as? NSNumber).map({ String(cString: $0.objCType) == "c" }) == true else {
            throw MockContractViolation("body.LaQuyTrinhCapTinh must be true or false")
        }
        for field in ["TinhId", "HuyenId", "XaId"] { _ = try MockContract.integer(body, field) }
        _ = try MockContract.string(body, "SoBienNhan")
        for field in ["MaHoSoMotCua", "NguoiTiepNhan", "DiaChiTaiSan"] { _ = try MockContract.optionalString(body, field) }
        _ = try MockContract.isoLocalDate(body, "NgayTiepNhan")
        _ = try MockContract.isoLocalDate(body, "NgayHenTra", nullable: true)
        guard let applicant = body["ThongTinNguoiNopDon"] as? [String: Any] else { throw MockContractViolation("body.ThongTinNguoiNopDon must be an object") }
        _ = try MockContract.string(applicant, "HoTen", in: "ThongTinNguoiNopDon")
        guard let workflow = body["ThongTinQuyTrinh"] as? [String: Any] else { throw MockContractViolation("body.ThongTinQuyTrinh must be an object") }
        _ = try MockContract.string(workflow, "MaQuyTrinh", in: "ThongTinQuyTrinh")
        if let parcels = body["ThongTinThuaDat"], !(parcels is NSNull) {
            for (index, parcel) in try MockContract.array(body, "ThongTinThuaDat").enumerated() {
                let context = "ThongTinThuaDat[\(index)]"
                guard let parcel = parcel as? [String: Any] else { throw MockContractViolation("\(context) must be an object") }
                _ = try MockContract.string(parcel, "SoThuTuThua", in: context)
                _ = try MockContract.string(parcel, "SoHieuBanDo", in: context)
                let area = try MockContract.string(parcel, "DienTich", in: context)
                guard let value = Double(area), value > 0 else { throw MockContractViolation("\(context).DienTich must be a positive number written as text") }
            }
        }
        try attachments(body, "DanhSachGiayToDinhKem", nullable: false)
    }

    static func supplement(_ body: [String: Any]) throws {
        _ = try MockContract.isoLocalDate(body, "NgayHenTraMoi", nullable: true)
        _ = try MockContract.string(body, "GhiChu", allowEmpty: true)
        try attachments(body, "DanhSachGiayToBoSung", nullable: true)
    }

    static func returnResult(_ body: [String: Any]) throws {
        _ = try MockContract.isoLocalDate(body, "NgayTra")
    }

    static func disputeResult(_ body: [String: Any]) throws {
        _ = try MockContract.string(body, "NoiDung")
        try attachments(body, "DanhSachGiayToDinhKem", nullable: true)
    }

    private static func attachments(_ body: [String: Any], _ field: String, nullable: Bool) throws {
        if nullable, body[field] == nil || body[field] is NSNull { return }
        for (index, attachment) in try MockContract.array(body, field).enumerated() {
            let context = "\(field)[\(index)]"
            guard let attachment = attachment as? [String: Any], let file = attachment["TapTin"] as? [String: Any] else {
                throw MockContractViolation("\(context) must be an object with TapTin")
            }
            _ = try MockContract.string(attachment, "TenGiayTo", in: context)
            for count in ["SoBanChinh", "SoBanSao"] { _ = try MockContract.integer(attachment, count, in: context) }
            let data = try MockContract.string(file, "data", in: "\(context).TapTin")
            guard Data(base64Encoded: data) != nil else { throw MockContractViolation("\(context).TapTin.data must be base64") }
        }
    }
}
