import Foundation
import MockSupport

/// The request rules of `Contracts/dvcqg/openapi.json`, as the mock enforces them.
enum DVCQGContract {
    static let requiredDossierFields = ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "KenhThucHien", "ChuHoSo", "LoaiDoiTuong", "TrangThaiHoSo"]
    static let requiredProgressFields = ["MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai"]
    static let maxProgressRows = 10

    static func rows(_ body: [String: Any]) throws -> [[String: Any]] {
        guard let data = body["data"] else { throw MockContractViolation("body: missing data") }
        guard let rows = data as? [[String: Any]] else { throw MockContractViolation("body.data must be an array of objects") }
        guard !rows.isEmpty else { throw MockContractViolation("body.data is empty") }
        return rows
    }

    /// Every scalar must be a string; dates `yyyyMMddHHmmss`.
    static func checkValues(_ row: [String: Any], context: String) throws {
        for (key, value) in row {
            switch value {
            case is [Any], is [String: Any], is NSNull: continue
            case let text as String:
                if key.hasPrefix("Ngay") || key == "ThoiDiemXuLy" {
                    guard isCompactDate(text) else { throw MockContractViolation("\(context).\(key) must be yyyyMMddHHmmss, got \(text)") }
                }
            default:
                throw MockContractViolation("\(context).\(key) must be a string")
            }
        }
    }

    static func dossierSync(_ body: [String: Any]) throws -> (isUpdating: Bool, rows: [[String: Any]]) {
        let flag = try MockContract.string(body, "isUpdating")
        guard flag == "true" || flag == "false" else { throw MockContractViolation("body.isUpdating must be \"true\" or \"false\"") }
        let rows = try rows(body)
        for (index, row) in rows.enumerated() {
            let context = "data[\(index)]"
            for field in requiredDossierFields { _ = try MockContract.string(row, field, in: context) }
            try checkValues(row, context: context)
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
        return (flag == "true", rows)
    }

    static func progress(_ body: [String: Any]) throws -> [[String: Any]] {
        let rows = try rows(body)
        guard rows.count <= maxProgressRows else { throw MockContractViolation("body.data has \(rows.count) rows; at most \(maxProgressRows) per call") }
        for (index, row) in rows.enumerated() {
            let context = "data[\(index)]"
            for field in requiredProgressFields { _ = try MockContract.string(row, field, in: context) }
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
        guard text.count == 14, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let digits = Array(text)
        let month = Int(String(digits[4..<6]))!, day = Int(String(digits[6..<8]))!
        let hour = Int(String(digits[8..<10]))!, minute = Int(String(digits[10..<12]))!, second = Int(String(digits[12..<14]))!
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second < 60
    }
}
