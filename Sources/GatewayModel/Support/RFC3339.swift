import Foundation

/// RFC 3339 date-times without fractional seconds (`2025-07-11T08:30:00+07:00`, or with `Z`),
/// read by arithmetic rather than a formatter: every event carries several, and Foundation's
/// ISO 8601 parser costs microseconds each. Anything else (a fraction, a leap second, another
/// shape) returns nil here and is left to Foundation.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 20 || bytes.count == 25 else { return nil }
            func number(_ start: Int, _ length: Int) -> Int? {
                var value = 0
                for index in start..<start + length {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                  CivilDate.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
            var offset = 0
            if bytes.count == 20 {
                guard bytes[19] == UInt8(ascii: "Z") || bytes[19] == UInt8(ascii: "z") else { return nil }
            } else {
                let sign = bytes[19]
                guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                      let hours = number(20, 2), let minutes = number(23, 2), hours < 24, minutes < 60 else { return nil }
                offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
            }
            let seconds = CivilDate.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }
}
