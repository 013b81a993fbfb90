import AdapterSupport
import Foundation
import GatewayModel
import Logging

enum BCAMapping {
    /// The statuses an event stands for, in the order the portal must receive them.
    static func trangThai(_ type: DossierEventType) -> [Int] {
        switch type {
        case .received: [1, 3]
        case .progressed: [7]
        case .resolved: [4]
        case .resultReturned: [5]
        case .supplementRequested: [2]
        case .rejected: [6]
        case .submitted, .feeRequested, .withdrawn, .suspended, .resultDisputed: []
        }
    }

    struct Result: Encodable {
        var soDinhDanh: String?
        var soDangKy: String?
        var quyenSo: String?
        var trangSo: String?
        var maGiayToKetQua: String?
        var fileKetQua: String?
    }

    static func statusPush(_ event: DossierEvent, trangThai: Int) -> BCAStatusPush {
        let data = event.data
        let step = data.progress?.last
        let result = trangThai == 4 ? data.interconnect?.result : nil
        let content: String = switch trangThai {
        case 1: "Tiếp nhận hồ sơ"
        case 3: "Hồ sơ đủ điều kiện, một cửa chấp nhận"
        case 7: step?.content ?? "Chuyển công chức tư pháp - hộ tịch xử lý"
        case 4: "Đã có kết quả"
        case 5: "Đã trả kết quả"
        case 2: "Yêu cầu bổ sung hồ sơ"
        default: "Từ chối hồ sơ"
        }
        return BCAStatusPush(
            maTTHC: data.procedure.code,
            soHoSoLT: data.interconnect?.dossierNumber ?? "",
            coQuanXuLy: data.agencyCode,
            maHoSo: data.dossierCode,
            trangThai: trangThai,
            thoiGianThucHien: VietnamTime.slashed(step?.at ?? event.time),
            ghiChu: data.note ?? "",
            ketQuaXuLy: EmbeddedJSON.string(Result(
                soDinhDanh: result?.identityNumber, soDangKy: result?.registrationNumber, quyenSo: result?.book,
                trangSo: result?.page, maGiayToKetQua: result?.documentCode, fileKetQua: result?.certificateBase64
            )),
            nguoiXuLy: String((step?.handler ?? "Bộ phận một cửa").prefix(50)),
            chucDanh: step?.position ?? "Công chức một cửa",
            phongBanXuLy: step?.department ?? (data.agencyName ?? data.agencyCode),
            noiDungXuLy: content,
            ngayBatDau: (data.receivedAt ?? data.submittedAt).map(VietnamTime.slashed),
            ngayKetThucTheoQuyDinh: data.appointmentAt.map(VietnamTime.slashed),
            ngayHenTraTruoc: nil,
            ngayHenTraMoi: nil,
            hanBoSungHoSo: trangThai == 2 ? data.appointmentAt.map(VietnamTime.slashed) : nil
        )
    }

    /// `refreshTokenExpiryTime`, in ISO 8601 or `dd/MM/yyyy HH:mm:ss` (Vietnam time).
    static func parseExpiry(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let parts = text.split(whereSeparator: { "/ :".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        var components = DateComponents(year: parts[2], month: parts[1], day: parts[0], hour: parts[3], minute: parts[4], second: parts[5])
        components.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        return Calendar(identifier: .gregorian).date(from: components)
    }
}
