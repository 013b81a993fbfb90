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

    @Test func everyKindDecodesAsItself() throws {
        let text = #"{"none":null,"yes":true,"no":false,"text":"true","digits":"12","whole":7,"part":1.5,"list":[1,"a",null,[],{}],"nested":{"inner":{"deep":[false]}},"emptyList":[],"emptyObject":{}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let expected: JSONValue = .object([
            "none": .null, "yes": .bool(true), "no": .bool(false), "text": .string("true"), "digits": .string("12"),
            "whole": .integer(7), "part": .number(1.5),
            "list": .array([.integer(1), .string("a"), .null, .array([]), .object([:])]),
            "nested": .object(["inner": .object(["deep": .array([.bool(false)])])]),
            "emptyList": .array([]), "emptyObject": .object([:]),
        ])
        #expect(value == expected)
    }
}
