/// Masks secrets and citizens' personal data before text reaches a log or a dead letter.
public enum Redaction {
    /// JSON fields whose values never leave the process in clear.
    static let sensitiveFields = [
        "session", "password", "token", "refreshToken", "access_token", "client_secret", "secret",
        "ChuHoSo", "HoTen", "fullName", "address", "DiaChi", "DiaChiChiTiet", "SoDienThoai", "phone",
        "Email", "email", "SoDinhDanh", "SoChungMinh", "identityNumber",
    ]

    /// Masks values of sensitive JSON fields and runs of 9 or 12 digits (CMND and CCCD numbers).
    public static func mask(_ text: String) -> String {
        var result = text
        for field in sensitiveFields {
            result = result.replacing(fieldPattern(field)) { match in "\"\(field)\":\"***\"" }
        }
        return maskIdentityNumbers(result)
    }

    /// Runs of exactly 9 or 12 digits keep only their last three.
    static func maskIdentityNumbers(_ text: String) -> String {
        var output = ""
        var run = ""
        func flush() {
            if run.count == 9 || run.count == 12 {
                output += String(repeating: "*", count: run.count - 3) + run.suffix(3)
            } else {
                output += run
            }
            run = ""
        }
        for character in text {
            if character.isASCII, character.isNumber {
                run.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }

    /// A person's name reduced to initials: `Nguyễn Văn An` → `N. V. A.`.
    public static func maskName(_ name: String) -> String {
        name.split(separator: " ").compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
    }

    /// At most `limit` characters of a masked answer body, for dead letters and logs.
    public static func excerpt(_ body: [UInt8], limit: Int = 512) -> String {
        let text = mask(String(decoding: body.prefix(limit * 4), as: UTF8.self))
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    private static func fieldPattern(_ field: String) -> Regex<Substring> {
        // "field" : "value", tolerant of spaces and escaped quotes inside the value.
        try! Regex("\"\(field)\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*\"")
    }
}
