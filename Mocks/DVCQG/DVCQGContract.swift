import Foundation
import MockSupport

/// The request rules of `Contracts/dvcqg/openapi.json`, as the mock enforces them.
enum DVCQGContract {
    static let requiredDossierFields = ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "KenhThucHien", "ChuHoSo", "LoaiDoiTuong", "TrangThaiHoSo"]
    static let requiredProgressFields = ["MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai"]
    static let maxProgressRows = 10
    /// Date fields every hoSo carries, `""` when the dossier has no such date yet.
    static let dossierDates = ["NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "NgayTuChoi", "NgayNopHoSo"]
    static let progressDates = ["NgayBatDau", "NgayKetThucTheoQuyDinh"]

    /// `isUpdating` as real clients send it.
    static func isUpdating(_ flag: String) throws -> Bool {
        guard flag == "True" || flag == "False" else { throw MockContractViolation("isUpdating must be \"True\" or \"False\", got \(flag)") }
        return flag == "True"
    }

    static func checkLength(_ object: [String: Any], _ field: String, _ limit: Int, _ context: String) throws {
        if let text = object[field] as? String, text.count > limit { throw MockContractViolation("\(context).\(field) is longer than \(limit) characters") }
    }

    static func rows(_ body: [String: Any]) throws -> [[String: Any]] {
        guard let data = body["data"] else { throw MockContractViolation("body: missing data") }
        return try rows(data, "body.data")
    }

    static func rows(_ value: Any, _ context: String) throws -> [[String: Any]] {
        guard let rows = value as? [[String: Any]] else { throw MockContractViolation("\(context) must be an array of objects") }
        guard !rows.isEmpty else { throw MockContractViolation("\(context) is empty") }
        return rows
    }

    /// Every scalar must be a string; dates `yyyyMMddHHmmss`.
    static func checkValues(_ row: [String: Any], context: String) throws {
        for (key, value) in row {
            // Text first: nearly every value is text, and each cast that fails costs a type look-up.
            switch value {
            case let text as String:
                if key.hasPrefix("Ngay") || key == "ThoiDiemXuLy" {
                    guard isCompactDate(text) || (text.isEmpty && key != "ThoiDiemXuLy") else {
                        throw MockContractViolation("\(context).\(key) must be yyyyMMddHHmmss, or \"\" when there is none, got \(text)")
                    }
                }
            case is [Any], is [String: Any], is NSNull: continue
            default:
                throw MockContractViolation("\(context).\(key) must be a string")
            }
        }
    }

    static func dossierSync(_ body: [String: Any]) throws -> (isUpdating: Bool, rows: [[String: Any]]) {
        let update = try isUpdating(try MockContract.string(body, "isUpdating"))
        return (update, try dossierRows(try rows(body)))
    }

    static func dossierRows(_ rows: [[String: Any]]) throws -> [[String: Any]] {
        for (index, row) in rows.enumerated() {
            let context = "data[\(index)]"
            for field in requiredDossierFields { _ = try MockContract.string(row, field, in: context) }
            for field in dossierDates where row[field] == nil { throw MockContractViolation("\(context): missing \(field) (\"\" when there is none)") }
            try checkValues(row, context: context)
            try checkLength(row, "TrichYeuHoSo", 1_000, context)
            for (position, paper) in (row["TaiLieuNop"] as? [[String: Any]] ?? []).enumerated() {
                let place = "\(context).TaiLieuNop[\(position)]"
                _ = try MockContract.string(paper, "TenTepDinhKem", in: place)
                try checkLength(paper, "TenTepDinhKem", 4_000, place)
                try oneOf(paper, "IsDeleted", ["0", "1"], place)
            }
            for (position, fee) in (row["DanhSachLePhi"] as? [[String: Any]] ?? []).enumerated() {
                let place = "\(context).DanhSachLePhi[\(position)]"
                if fee["MucPhi"] != nil { throw MockContractViolation("\(place): the amount is Gia, not MucPhi") }
                _ = try MockContract.string(fee, "Gia", in: place)
            }
            for (position, result) in (row["DanhSachGiayToKetQua"] as? [[String: Any]] ?? []).enumerated() {
                let place = "\(context).DanhSachGiayToKetQua[\(position)]"
                _ = try MockContract.string(result, "TenGiayTo", in: place)
                try checkLength(result, "TenGiayTo", 2_000, place)
            }
            if row["MaDoiTuong"] != nil, row["KenhThucHien"] as? String != "2" { throw MockContractViolation("\(context).MaDoiTuong is for online dossiers only") }
            try oneOf(row, "KenhThucHien", ["1", "2", "3"], context)
            try oneOf(row, "LoaiDoiTuong", ["1", "2", "3", "4"], context)
            try oneOf(row, "TrangThaiHoSo", (1...10).map(String.init), context)
            if let identities = row["DinhDanhCHS"] as? [[String: Any]] {
                for identity in identities {
                    let kind = try MockContract.string(identity, "LoaiDinhDanh", in: "\(context).DinhDanhCHS")
                    let number = try MockContract.string(identity, "SoDinhDanh", in: "\(context).DinhDanhCHS")
                    let length = kind == "1" ? 12 : kind == "2" ? 9 : 0
                    guard length > 0, number.count == length, number.allSatisfy(\.isNumber) else {
                        throw MockContractViolation("\(context).DinhDanhCHS: LoaiDinhDanh 1 needs 12 digits, 2 needs 9")
                    }
                }
            }
        }
        return rows
    }

    static func progress(_ body: [String: Any]) throws -> [[String: Any]] {
        try progressRows(try rows(body))
    }

    static func progressRows(_ rows: [[String: Any]]) throws -> [[String: Any]] {
        guard rows.count <= maxProgressRows else { throw MockContractViolation("body.data has \(rows.count) rows; at most \(maxProgressRows) per call") }
        for (index, row) in rows.enumerated() {
            let context = "data[\(index)]"
            for field in requiredProgressFields { _ = try MockContract.string(row, field, in: context) }
            for field in progressDates where row[field] == nil { throw MockContractViolation("\(context): missing \(field) (\"\" when there is none)") }
            try checkValues(row, context: context)
            if let handler = row["NguoiXuLy"] as? String, handler.count > 50 {
                throw MockContractViolation("\(context).NguoiXuLy is longer than 50 characters")
            }
        }
        return rows
    }

    static func oneOf(_ row: [String: Any], _ field: String, _ allowed: [String], _ context: String) throws {
        let value = try MockContract.string(row, field, in: context)
        guard allowed.contains(value) else { throw MockContractViolation("\(context).\(field) must be one of \(allowed.joined(separator: ", ")), got \(value)") }
    }

    static func isCompactDate(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return false }
        func number(_ at: Int) -> Int { Int(digits[at] - UInt8(ascii: "0")) * 10 + Int(digits[at + 1] - UInt8(ascii: "0")) }
        let month = number(4), day = number(6), hour = number(8), minute = number(10), second = number(12)
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second < 60
    }
}
