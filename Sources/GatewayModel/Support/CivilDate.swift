/// Dates of the proleptic Gregorian calendar counted in days from 1970-01-01, both ways, by
/// arithmetic: the national systems' formats are fixed-offset (Vietnam has no daylight
/// saving), so no calendar or time-zone database is needed to read or write them.
enum CivilDate {
    /// Days from 1970-01-01 to `year-month-day`.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let (era, yearOfEra) = shiftedYear.floorDividedBy(400)
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        // Days since 0000-03-01, in 400-year eras of 146,097 days.
        let (era, dayOfEra) = (days + 719_468).floorDividedBy(146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Whether `year-month-day` exists, with `hour:minute:second` on a clock without leap seconds.
    static func isValid(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Bool {
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 60 else { return false }
        let length = switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
        return day <= length
    }

    /// Seconds from 1970-01-01T00:00:00 to a date and time read at UTC plus `offset` seconds.
    static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int) -> Int {
        days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    }
}

extension Int {
    /// Quotient rounded down and the non-negative remainder.
    func floorDividedBy(_ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = ((self % divisor) + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
    }
}
