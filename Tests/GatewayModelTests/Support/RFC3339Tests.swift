import Foundation
import Testing
@testable import GatewayModel

@Suite struct RFC3339Tests {
    @Test func agreesWithFoundationOnRandomInstantsAndOffsets() throws {
        var generator = SystemRandomNumberGenerator()
        let offsets = [0, 7 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 14 * 3600]
        for _ in 0..<2_000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator)))
            let offset = offsets.randomElement(using: &generator)!
            let style = Date.ISO8601FormatStyle(
                dateSeparator: .dash, dateTimeSeparator: .standard, timeSeparator: .colon, timeZoneSeparator: .colon,
                includingFractionalSeconds: false, timeZone: TimeZone(secondsFromGMT: offset)!
            )
            let text = instant.formatted(style)
            let foundation = try Date(text, strategy: .iso8601)
            #expect(RFC3339.parse(text) == foundation, "\(text)")
            #expect(RFC3339.parse(text) == instant, "\(text)")
        }
    }

    @Test func readsTheEventContractsForms() {
        #expect(RFC3339.parse("2025-07-11T08:30:00+07:00") == Date(timeIntervalSince1970: 1_752_197_400))
        #expect(RFC3339.parse("2025-07-11T01:30:00Z") == Date(timeIntervalSince1970: 1_752_197_400))
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
    }

    @Test func leavesEveryOtherShapeToFoundation() {
        for text in [
            "2025-07-11T08:30:00.250+07:00", "2025-07-11 08:30:00+07:00", "2025-07-11T08:30:00", "2025-13-11T08:30:00Z",
            "2025-02-29T08:30:00Z", "2025-07-11T24:00:00Z", "2025-07-11T08:30:60Z", "2025-07-11T08:30:00+0700",
            "2025-07-11T08:30:00+24:00", "２０２５-07-11T08:30:00Z", "",
        ] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }

    @Test func decodedEventsKeepTheirInstantsWithAFraction() throws {
        #expect(JSONCoding.parseTimestamp("2025-07-11T08:30:00.250+07:00") == Date(timeIntervalSince1970: 1_752_197_400.25))
    }
}
