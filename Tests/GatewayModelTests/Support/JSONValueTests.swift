import Foundation
import GatewayModel
import Testing

@Suite struct JSONValueTests {
    @Test func wholeNumbersBeyondDoublePrecisionTravelUnchanged() throws {
        let text = #"{"soDangKy":9007199254740993,"ratio":0.25,"count":-4}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["soDangKy"] == .integer(9_007_199_254_740_993))
        #expect(value["ratio"] == .number(0.25))
        #expect(value["count"] == .integer(-4))
        #expect(String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self) == #"{"count":-4,"ratio":0.25,"soDangKy":9007199254740993}"#)
    }
}
