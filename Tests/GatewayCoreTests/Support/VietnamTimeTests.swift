import Foundation
import GatewayCore
import Testing

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
    }
}
