import Foundation
import GatewayModel
import Testing

@Suite struct StreamingJSONEncoderTests {
    struct Row: Codable, Equatable {
        var MaHoSo: String
        var SoBienNhan: String?
        var Count: Int
        var Small: Int8
        var Large: UInt64
        var Flag: Bool
        var Tags: [String]
        var Nested: [Inner]?
        var Map: [String: Int]
        var Empty: Nothing
    }

    struct Inner: Codable, Equatable {
        var Ten: String
        var Items: [[Int]]
        var Missing: String?
    }

    struct Nothing: Codable, Equatable {}

    /// Writes an explicit null and nests containers by hand, as hand-written `encode(to:)` code does.
    struct HandWritten: Encodable {
        enum Keys: String, CodingKey { case first, nested, list, after, nothing }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("one", forKey: .first)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(2, forKey: .first)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("a")
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(true, forKey: .first)
            try container.encode("last", forKey: .after)
            try container.encodeNil(forKey: .nothing)
        }
    }

    /// The same JSON value as `JSONEncoder` writes, whatever the key order.
    private func sameValue(_ value: some Encodable) throws {
        let streamed = try StreamingJSONEncoder.encode(value)
        let reference = try JSONEncoder().encode(value)
        let parsed = try JSONSerialization.jsonObject(with: Data(streamed), options: [.fragmentsAllowed])
        let expected = try JSONSerialization.jsonObject(with: reference, options: [.fragmentsAllowed])
        #expect(NSDictionary(dictionary: ["v": parsed]).isEqual(to: ["v": expected]), "\(String(decoding: streamed, as: UTF8.self))")
    }

    @Test func writesWhatJSONEncoderWritesForNestedRows() throws {
        let row = Row(
            MaHoSo: "000.00.12.H13-251207-00001", SoBienNhan: nil, Count: -42, Small: -8, Large: .max, Flag: true,
            Tags: ["a/b", "Nguyễn Văn A", ""], Nested: [Inner(Ten: "x", Items: [[1, 2], [], [3]], Missing: nil), Inner(Ten: "y", Items: [], Missing: "z")],
            Map: ["k": 1], Empty: Nothing()
        )
        try sameValue(row)
        try sameValue([row, row])
        try sameValue(HandWritten())
        let text = String(decoding: try StreamingJSONEncoder.encode(row), as: UTF8.self)
        #expect(text.hasPrefix(#"{"MaHoSo":"000.00.12.H13-251207-00001","Count":-42,"Small":-8,"Large":18446744073709551615,"Flag":true,"Tags":["a/b","Nguyễn Văn A",""],"#))
        #expect(!text.contains("SoBienNhan") && !text.contains("Missing\":null"))
        #expect(text.hasSuffix(#""Map":{"k":1},"Empty":{}}"#))
    }

    @Test func escapesEveryCharacterJSONNeedsEscaped() throws {
        let everyASCII = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        let text = everyASCII + "\u{2028}\u{FEFF}é🙂"
        try sameValue(["text": text])
        let written = String(decoding: try StreamingJSONEncoder.encode([text]), as: UTF8.self)
        #expect(written.hasPrefix(#"["\u0000\u0001"#))
        #expect(written.contains(#"\b\t\n\u000b\f\r"#))
        #expect(written.contains(##" !\"#"##) && written.contains(#"[\\]"#))
        #expect(try JSONDecoder().decode([String].self, from: Data(written.utf8)) == [text])
    }

    @Test func handsFloatsDatesAndDataToJSONEncoder() throws {
        struct Mixed: Encodable {
            var name = "a"
            var ratio = 0.25
            var at = Date(timeIntervalSince1970: 1_700_000_000)
            var blob = Data([1, 2, 3])
        }
        try sameValue(Mixed())
        try sameValue(JSONValue.object(["n": .number(1.5), "i": .integer(3), "s": .string("x"), "l": .array([.bool(false), .null])]))
    }

    @Test func topLevelScalarsAndEmptyContainers() throws {
        try sameValue("plain")
        try sameValue(7)
        try sameValue([String]())
        try sameValue([String: String]())
        try sameValue(Nothing())
        #expect(String(decoding: try StreamingJSONEncoder.encode([Nothing(), Nothing()]), as: UTF8.self) == "[{},{}]")
    }
}
