import Foundation
import MockSupport

/// The request rules of `Contracts/bca/openapi.json`.
enum BCAContract {
    static func statusPush(_ body: [String: Any]) throws -> (dossier: String, status: Int) {
        for field in ["maTTHC", "soHoSoLT", "maHoSo"] { _ = try MockContract.string(body, field) }
        _ = try MockContract.integer(body, "coQuanXuLy")
        let status = try MockContract.integer(body, "trangThai")
        guard [1, 2, 3, 4, 5, 6, 7].contains(status) else { throw MockContractViolation("body.trangThai must be one of 1-7, got \(status)") }
        _ = try MockContract.slashedDate(body, "thoiGianThucHien")
        for field in ["ngayBatDau", "ngayKetThucTheoQuyDinh", "ngayHenTraTruoc", "ngayHenTraMoi", "hanBoSungHoSo"] where body[field] != nil && !(body[field] is NSNull) {
            _ = try MockContract.slashedDate(body, field)
        }
        for field in ["ghiChu", "nguoiXuLy", "chucDanh", "phongBanXuLy", "noiDungXuLy"] { _ = try MockContract.optionalString(body, field) }
        if status == 1 {
            for field in ["nguoiXuLy", "noiDungXuLy", "ghiChu", "ketQuaXuLy"] where !(body[field] is NSNull) {
                throw MockContractViolation("body.\(field) must be null with status 1")
            }
        }
        if status == 4 {
            let result = try MockContract.embeddedObject(body, "ketQuaXuLy")
            for field in ["soDinhDanh", "soDangKy", "maGiayToKetQua"] where result[field] == nil {
                throw MockContractViolation("ketQuaXuLy: status 4 needs \(field)")
            }
            guard result["giayKhaiSinh"] is String || result["giayKhaiTu"] is String else {
                throw MockContractViolation("ketQuaXuLy: status 4 needs the certificate in giayKhaiSinh or giayKhaiTu")
            }
        } else if !(body["ketQuaXuLy"] is NSNull) {
            throw MockContractViolation("body.ketQuaXuLy is sent with status 4 only: null otherwise")
        }
        if let handler = body["nguoiXuLy"] as? String, handler.count > 50 { throw MockContractViolation("body.nguoiXuLy is longer than 50 characters") }
        return (try MockContract.string(body, "maHoSo"), status)
    }
}
