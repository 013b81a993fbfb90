import Foundation
import MockSupport

/// The request rules of `Contracts/vbdlis/openapi.json`.
enum VBDLISContract {
    static func handOver(_ body: [String: Any]) throws {
        guard body["LaQuyTrinhCapTinh"] is Bool || (body["LaQuyTrinhCapTinh"] as? NSNumber).map({ String(cString: $0.objCType) == "c" }) == true else {
            throw MockContractViolation("body.LaQuyTrinhCapTinh must be true or false")
        }
        for field in ["TinhId", "HuyenId", "XaId", "SoBienNhan", "MaHoSoMotCua", "NguoiTiepNhan", "DiaChiTaiSan"] { _ = try MockContract.string(body, field) }
        for field in ["NgayTiepNhan", "NgayHenTra"] { _ = try MockContract.slashedDate(body, field) }
        guard let applicant = body["ThongTinNguoiNopDon"] as? [String: Any] else { throw MockContractViolation("body.ThongTinNguoiNopDon must be an object") }
        _ = try MockContract.string(applicant, "HoTen", in: "ThongTinNguoiNopDon")
        guard let workflow = body["ThongTinQuyTrinh"] as? [String: Any] else { throw MockContractViolation("body.ThongTinQuyTrinh must be an object") }
        _ = try MockContract.string(workflow, "MaQuyTrinh", in: "ThongTinQuyTrinh")
        let parcels = try MockContract.array(body, "ThongTinThuaDat")
        guard !parcels.isEmpty else { throw MockContractViolation("body.ThongTinThuaDat is empty") }
        for (index, parcel) in parcels.enumerated() {
            guard let parcel = parcel as? [String: Any] else { throw MockContractViolation("ThongTinThuaDat[\(index)] must be an object") }
            _ = try MockContract.string(parcel, "SoThuTuThua", in: "ThongTinThuaDat[\(index)]")
            _ = try MockContract.string(parcel, "SoHieuBanDo", in: "ThongTinThuaDat[\(index)]")
            guard let area = parcel["DienTich"] as? NSNumber, !(parcel["DienTich"] is String), area.doubleValue > 0 else {
                throw MockContractViolation("ThongTinThuaDat[\(index)].DienTich must be a positive number")
            }
        }
        for (index, attachment) in try MockContract.array(body, "DanhSachGiayToDinhKem").enumerated() {
            let context = "DanhSachGiayToDinhKem[\(index)]"
            guard let attachment = attachment as? [String: Any], let file = attachment["TapTin"] as? [String: Any] else {
                throw MockContractViolation("\(context) must be an object with TapTin")
            }
            _ = try MockContract.string(attachment, "TenGiayTo", in: context)
            let data = try MockContract.string(file, "data", in: "\(context).TapTin")
            guard Data(base64Encoded: data) != nil else { throw MockContractViolation("\(context).TapTin.data must be base64") }
        }
    }
}
