import AdapterSupport
import Foundation
import GatewayModel

/// The body of the status push: `coQuanXuLy` an integer, `null` where there is no value.
struct BCAStatusPush: Encodable {
    var maTTHC: String
    var soHoSoLT: String
    var coQuanXuLy: Int
    var maHoSo: String
    var trangThai: Int
    var thoiGianThucHien: String
    var ghiChu: Nullable<String>
    /// The registry record as a JSON string, with status 4 only.
    var ketQuaXuLy: Nullable<String>
    var nguoiXuLy: Nullable<String>
    var chucDanh: Nullable<String>
    var phongBanXuLy: Nullable<String>
    var noiDungXuLy: Nullable<String>
    var ngayBatDau: Nullable<String>
    var ngayKetThucTheoQuyDinh: Nullable<String>
    var ngayHenTraTruoc: Nullable<String>
    var ngayHenTraMoi: Nullable<String>
    var hanBoSungHoSo: Nullable<String>
}

/// What the adapter keeps about a dossier at the portal, so that no status is sent again after
/// a later one was accepted: the last event pushed from and how far into its statuses, and the
/// furthest status of the normal order (1 → 3 → 7 → 4 → 5) the portal accepted.
struct BCAProgress: Codable, Equatable {
    /// The event id of the last accepted push, and the index of that push in its status list.
    var event: String
    var through: Int
    /// The furthest accepted status on the normal line; nil when only branches (2, 6) were.
    var furthest: Int?

    init(event: String, through: Int, furthest: Int?) {
        self.event = event
        self.through = through
        self.furthest = furthest
    }

    init?(_ value: JSONValue?) {
        guard let value, let progress = try? value.decode(BCAProgress.self) else { return nil }
        self = progress
    }

    var value: JSONValue {
        var members: [String: JSONValue] = ["event": .string(event), "through": .integer(Int64(through))]
        if let furthest { members["furthest"] = .integer(Int64(furthest)) }
        return .object(members)
    }
}
