import Foundation

/// Date formats of the national systems, always in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
public enum VietnamTime {
    public static let timeZone = TimeZone(secondsFromGMT: 7 * 3600)!

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    private static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `yyyyMMddHHmmss`, as DVCQG expects.
    public static func compact(_ date: Date) -> String {
        let p = parts(date)
        return pad(p.year, 4) + pad(p.month) + pad(p.day) + pad(p.hour) + pad(p.minute) + pad(p.second)
    }

    /// `dd/MM/yyyy HH:mm:ss`, as the BCA portal expects.
    public static func slashed(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.day))/\(pad(p.month))/\(pad(p.year, 4)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    /// RFC 3339 with the +07:00 offset.
    public static func rfc3339(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))+07:00"
    }

    /// Parses `yyyyMMddHHmmss` read as Vietnam time.
    public static func parseCompact(_ text: String) -> Date? {
        guard text.count == 14, text.allSatisfy(\.isASCIIDigit) else { return nil }
        let digits = Array(text)
        func number(_ from: Int, _ length: Int) -> Int { Int(String(digits[from..<from + length]))! }
        var components = DateComponents()
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = number(8, 2)
        components.minute = number(10, 2)
        components.second = number(12, 2)
        guard components.month! >= 1, components.month! <= 12, components.day! >= 1, components.day! <= 31,
              components.hour! < 24, components.minute! < 60, components.second! < 60 else { return nil }
        return calendar.date(from: components)
    }
}
