import Foundation
import MockSupport

/// The request rules of `Contracts/bca/openapi.json`.
enum BCAContract {
    static let required = ["maTTHC", "soHoSoLT", "coQuanXuLy", "maHoSo", "thoiGianThucHien", "ketQuaXuLy", "nguoiXuLy", "noiDungXuLy"]

    static func statusPush(_ body: [String: Any]) throws -> (dossier: String, status: Int) {
        for field in required { _ = try MockContract.string(body, field, allowEmpty: field == "ketQuaXuLy") }
        let status = try MockContract.integer(body, "trangThai")
        guard [1, 2, 3, 4, 5, 6, 7].contains(status) else { throw MockContractViolation("body.trangThai must be one of 1-7, got \(status)") }
        _ = try MockContract.slashedDate(body, "thoiGianThucHien")
        for field in ["ngayBatDau", "ngayKetThucTheoQuyDinh", "ngayHenTraTruoc", "ngayHenTraMoi", "hanBoSungHoSo"] where body[field] != nil && !(body[field] is NSNull) {
            _ = try MockContract.slashedDate(body, field)
        }
        let result = try MockContract.embeddedObject(body, "ketQuaXuLy")
        if status == 4 {
            for field in ["soDinhDanh", "soDangKy", "maGiayToKetQua"] where result[field] == nil {
                throw MockContractViolation("ketQuaXuLy: status 4 needs \(field)")
            }
        }
        if let handler = body["nguoiXuLy"] as? String, handler.count > 50 { throw MockContractViolation("body.nguoiXuLy is longer than 50 characters") }
        return (try MockContract.string(body, "maHoSo"), status)
    }
}
