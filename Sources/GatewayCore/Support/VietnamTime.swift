import Foundation

/// Date formats of the national systems, always in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
public enum VietnamTime {
    public static let timeZone = TimeZone(secondsFromGMT: 7 * 3600)!

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// The civil date and time at UTC+7, by arithmetic on days since 1970 (proleptic Gregorian
    /// calendar); Vietnam has no daylight saving, so no time-zone database is needed.
    static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 7 * 3600
        let (days, secondOfDay) = seconds.floorDividedBy(86_400)
        // Days since 0000-03-01, in 400-year eras of 146,097 days.
        let (era, dayOfEra) = (days + 719_468).floorDividedBy(146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
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

extension Int {
    /// Quotient rounded down and the non-negative remainder.
    fileprivate func floorDividedBy(_ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = ((self % divisor) + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
    }
}
