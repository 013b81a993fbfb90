import AdapterSupport
import Foundation
import GatewayModel

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

    /// A status's place on the portal's normal line 1 → 3 → 7 → 4 → 5; nil for the branches
    /// (2 supplement, 6 refused), which may come after more than one of them.
    static func place(_ trangThai: Int) -> Int? {
        [1, 3, 7, 4, 5].firstIndex(of: trangThai)
    }

    /// Whether the push of `trangThai`, at `index` of `event`'s statuses, is behind what the
    /// portal already accepted: pushed before for this event, or earlier on the normal line than
    /// a status accepted since. (The same status again, such as a second 7, is not behind.)
    static func isBehind(_ trangThai: Int, index: Int, of event: DossierEvent, progress: BCAProgress?) -> Bool {
        guard let progress else { return false }
        if progress.event == event.id, index <= progress.through { return true }
        guard let place = place(trangThai), let furthest = progress.furthest.flatMap(Self.place) else { return false }
        return place < furthest
    }

    /// The progress once `trangThai`, at `index` of `event`'s statuses, is accepted.
    static func advanced(_ progress: BCAProgress?, by trangThai: Int, index: Int, of event: DossierEvent) -> BCAProgress {
        var furthest = progress?.furthest
        if let place = place(trangThai), place > (furthest.flatMap(Self.place) ?? -1) { furthest = trangThai }
        return BCAProgress(event: event.id, through: index, furthest: furthest)
    }

    /// `ketQuaXuLy` for status 4: the registry record, the registration's numbers, and the
    /// certificate under `giayKhaiSinh` (birth) or `giayKhaiTu` (death). Nil when the event has no result.
    static func result(_ data: DossierData) -> String? {
        guard let result = data.interconnect?.result else { return nil }
        var members: [String: JSONValue] = [:]
        if case .object(let record)? = result.record { members = record }
        let numbers: [(String, String?)] = [
            ("soDinhDanh", result.identityNumber), ("soDangKy", result.registrationNumber), ("quyenSo", result.book),
            ("trangSo", result.page), ("maGiayToKetQua", result.documentCode),
        ]
        for (name, value) in numbers { if let value { members[name] = .string(value) } }
        if let certificate = result.certificateBase64 {
            members[data.procedure.interconnectModule == "LTKT" ? "giayKhaiTu" : "giayKhaiSinh"] = .string(certificate)
        }
        return EmbeddedJSON.string(JSONValue.object(members))
    }

    static func statusPush(_ event: DossierEvent, trangThai: Int, processingAgency: Int) -> BCAStatusPush {
        let data = event.data
        let step = data.progress?.last
        let date = { (value: Date?) in Nullable(value.map(VietnamTime.slashed)) }
        // Status 1 carries no handler, content, note or result, as real clients send it.
        let received = trangThai == 1
        let content: String? = switch trangThai {
        case 1: nil
        case 3: "Hồ sơ đủ điều kiện, một cửa chấp nhận"
        case 7: step?.content ?? "Chuyển công chức tư pháp - hộ tịch xử lý"
        case 4: "Đã có kết quả"
        case 5: "Đã trả kết quả"
        case 2: data.note ?? "Yêu cầu bổ sung hồ sơ"
        default: data.note ?? "Từ chối hồ sơ"
        }
        return BCAStatusPush(
            maTTHC: data.procedure.code,
            soHoSoLT: data.interconnect?.dossierNumber ?? "",
            coQuanXuLy: processingAgency,
            maHoSo: data.dossierCode,
            trangThai: trangThai,
            thoiGianThucHien: VietnamTime.slashed(step?.at ?? event.time),
            ghiChu: received ? .null : Nullable(data.note),
            ketQuaXuLy: trangThai == 4 ? Nullable(result(data)) : .null,
            nguoiXuLy: received ? .null : Nullable(step.map { String($0.handler.prefix(50)) }),
            chucDanh: Nullable(received ? nil : step?.position),
            phongBanXuLy: Nullable(received ? nil : step?.department ?? data.agencyName),
            noiDungXuLy: Nullable(content),
            ngayBatDau: date(data.receivedAt ?? data.submittedAt),
            ngayKetThucTheoQuyDinh: date(data.appointmentAt),
            ngayHenTraTruoc: .null,
            ngayHenTraMoi: .null,
            hanBoSungHoSo: trangThai == 2 ? date(data.appointmentAt) : .null
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
