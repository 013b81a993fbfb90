import Foundation
@testable import GatewayModel
import Testing

@Suite struct JSONReaderTests {
    private func value(_ text: String) throws(JSONReadError) -> JSONValue {
        try JSONReader.read(Array(text.utf8)) { reader throws(JSONReadError) in try reader.value() }
    }

    private func problem(_ text: String) -> JSONReadError.Problem? {
        do {
            _ = try value(text)
            return nil
        } catch {
            return error.problem
        }
    }

    @Test func readsEveryKindAsJSONValueDoes() throws {
        let text = #"""
        { "s": "Cần Thơ", "i": -42, "big": 9007199254740993, "d": 2.5, "e": 1e2, "t": true, "f": false, "n": null,
          "a": [1, "two", [], {}], "o": { "nested": { "deeper": [null] } }, "empty": "" }
        """#
        let read = try value(text)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(read == decoded)
        #expect(read["big"] == .integer(9_007_199_254_740_993))
        #expect(read["e"] == .integer(100))
        #expect(read["d"] == .number(2.5))
    }

    @Test(arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u1EA1""#, "Aéạ"),
        (#""\ud83d\ude00 smile""#, "😀 smile"),
        (#""Nguyễn Văn Bình""#, "Nguyễn Văn Bình"),
    ])
    func stringsAreUnescaped(json: String, expected: String) throws {
        #expect(try value(json) == .string(expected))
    }

    @Test(arguments: [
        #""\ud83d alone""#, #""\ude00""#, #""\x""#, #""\u12g4""#, "\"tab\tinside\"", #""open"#,
        "{\"a\" 1}", "{\"a\": 1,}", "[1,]", "[1 2]", "01", "-", "1.", ".5", "1e", "tru", "nul", "{a: 1}", "1 2", "",
    ])
    func malformedTextIsASyntaxError(json: String) {
        #expect(problem(json) == .syntax, "\(json)")
    }

    @Test func invalidUTF8IsASyntaxError() {
        let bytes: [UInt8] = [UInt8(ascii: "\"")] + [0xC3, 0x28] + [UInt8(ascii: "\"")]
        do {
            _ = try JSONReader.read(bytes) { reader throws(JSONReadError) in try reader.value() }
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.problem == .syntax)
        }
    }

    @Test func nestingIsBounded() {
        let allowed = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        #expect(problem(allowed) == nil)
        let deeper = "[" + allowed + "]"
        #expect(problem(deeper) == .tooDeep)
    }

    @Test func wholeNumbersAreReadExactlyAndOthersAreOutsideTheContract() throws {
        func integer(_ text: String) throws(JSONReadError) -> Int {
            try JSONReader.read(Array(text.utf8)) { reader throws(JSONReadError) in try reader.integer() }
        }
        #expect(try integer("9223372036854775807") == Int.max)
        #expect(try integer("-9223372036854775808") == Int.min)
        #expect(try integer("-0") == 0)
        #expect(try integer("3.0") == 3)
        #expect(try integer("1e2") == 100)
        for text in ["3.5", "9223372036854775808", "1e300"] {
            #expect(throws: JSONReadError.self, "\(text)") { try integer(text) }
        }
        do {
            _ = try integer("\"12\"")
            Issue.record("a string read as a number")
        } catch {
            #expect(error.problem == .mismatch(expected: "a number"))
        }
    }

    @Test func aNumberBeyondADoubleIsOutsideTheContract() {
        #expect(problem("1e999") == .outsideContract)
        #expect(problem("[-1e400]") == .outsideContract)
        #expect(problem("1e308") == nil)
    }

    @Test func errorsNameThePathFromTheTop() {
        let text = #"{"outer": {"items": [{"name": "a"}, {"name": 7}]}}"#
        do {
            try JSONReader.read(Array(text.utf8)) { reader throws(JSONReadError) in
                try reader.object { _, reader throws(JSONReadError) in
                    try reader.object { _, reader throws(JSONReadError) in
                        _ = try reader.array { reader throws(JSONReadError) in
                            try reader.object { _, reader throws(JSONReadError) in _ = try reader.string() }
                        }
                    }
                }
            }
            Issue.record("accepted")
        } catch {
            #expect(error.reason(document: "the record") == "outer.items[1].name: expected a string")
        }
        #expect(JSONReadError(.null).reason(document: "the record") == "the record: is null")
        #expect(JSONReadError(.missing("code")).reason(document: "the record") == "missing field code")
    }

    @Test func aByteOrderMarkBeforeTheTextIsPassedOver() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8)
        #expect(try JSONReader.read(bytes) { reader throws(JSONReadError) in try reader.value() } == .object(["a": .integer(1)]))
        let inside: [UInt8] = Array(#"{"a": "#.utf8) + [0xEF, 0xBB, 0xBF] + Array("1}".utf8)
        #expect(throws: JSONReadError.self) { try JSONReader.read(inside) { reader throws(JSONReadError) in try reader.value() } }
    }

    @Test func aKeyWrittenTwiceCountsAsItsLast() throws {
        #expect(try value(#"{"a": 1, "a": 2}"#) == .object(["a": .integer(2)]))
    }

    @Test func skippingChecksTheValueIsWellFormed() throws {
        let skip = { (text: String) throws(JSONReadError) in
            try JSONReader.read(Array(text.utf8)) { reader throws(JSONReadError) in try reader.skip() }
        }
        try skip(#"{"a": [1, 2.5e-3, "x\"y", {"b": null}], "c": true}"#)
        #expect(throws: JSONReadError.self) { try skip(#"{"a": [1, 2,]}"#) }
        #expect(throws: JSONReadError.self) { try skip("\"unterminated") }
    }
}
