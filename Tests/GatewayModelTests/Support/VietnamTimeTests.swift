import Foundation
import Testing
@testable import GatewayModel

@Suite struct VietnamTimeTests {
    // 2025-07-11T01:30:05Z is 08:30:05 in Hồ Chí Minh City.
    let instant = Date(timeIntervalSince1970: 1_752_197_405)

    @Test func formatsInUTCPlusSeven() {
        #expect(VietnamTime.compact(instant) == "20250711083005")
        #expect(VietnamTime.slashed(instant) == "11/07/2025 08:30:05")
        #expect(VietnamTime.rfc3339(instant) == "2025-07-11T08:30:05+07:00")
    }

    @Test func crossesMidnightByTheVietnameseClock() {
        let lateUTC = Date(timeIntervalSince1970: 1_752_253_260) // 2025-07-11T17:01:00Z
        #expect(VietnamTime.compact(lateUTC) == "20250712000100")
    }

    @Test func parsesWhatItFormats() {
        #expect(VietnamTime.parseCompact("20250711083005") == instant)
        #expect(VietnamTime.parseCompact("20251311083005") == nil)
        #expect(VietnamTime.parseCompact("2025071108300") == nil)
        // A day the month does not have is refused, not rolled over into the next month.
        #expect(VietnamTime.parseCompact("20250231083005") == nil)
        #expect(VietnamTime.parseCompact("20240229083005") == Date(timeIntervalSince1970: 1_709_170_205))
    }

    @Test func civilDateArithmeticAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = VietnamTime.timeZone
        var generator = SystemRandomNumberGenerator()
        // Leap days, century years and instants before 1970 included.
        let fixed: [TimeInterval] = [-2_208_988_800, -1, 0, 951_782_400, 951_868_799, 4_107_542_400, 1_709_164_800]
        let sampled = (0..<2_000).map { _ in TimeInterval(Int64.random(in: -3_000_000_000...5_000_000_000, using: &generator)) + 0.75 }
        for seconds in fixed + sampled {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let p = VietnamTime.parts(date)
            let computed: [Int] = [p.year, p.month, p.day, p.hour, p.minute, p.second]
            let expected: [Int] = [c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!]
            #expect(computed == expected, "at \(seconds)")
        }
    }
}
