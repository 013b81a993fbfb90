import Foundation

/// Date formats of the national systems, always in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
public enum VietnamTime {
    public static let timeZone = TimeZone(secondsFromGMT: 7 * 3600)!

    /// The civil date and time at UTC+7.
    static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let (days, secondOfDay) = (Int(date.timeIntervalSince1970.rounded(.down)) + 7 * 3600).floorDividedBy(86_400)
        let (year, month, day) = CivilDate.date(days: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.utf8.count >= width ? text : String(repeating: "0", count: width - text.utf8.count) + text
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

    /// `yyyy-MM-ddTHH:mm:ss`, local time with no offset, as VBDLIS expects.
    public static func isoLocal(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    /// `dd.MM.yyyy`, the date alone, as the civil registry's records write it.
    public static func dotted(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.day)).\(pad(p.month)).\(pad(p.year, 4))"
    }

    /// RFC 3339 with the +07:00 offset.
    public static func rfc3339(_ date: Date) -> String {
        let p = parts(date)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))+07:00"
    }

    /// Parses an RFC 3339 date-time, whatever its offset.
    public static func parseRFC3339(_ text: String) -> Date? { RFC3339.parse(text) }

    /// Parses `yyyyMMddHHmmss` read as Vietnam time; nil for a date that does not exist.
    public static func parseCompact(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        func number(_ from: Int, _ length: Int) -> Int { digits[from..<from + length].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        let (year, month, day) = (number(0, 4), number(4, 2), number(6, 2))
        let (hour, minute, second) = (number(8, 2), number(10, 2), number(12, 2))
        guard CivilDate.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let seconds = CivilDate.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: 7 * 3600)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
