import Foundation
import GatewayModel
import Testing

/// The event reader against the types' `Decodable` conformances read by `JSONDecoder`: every
/// example event, and each one changed at every place in turn (a member removed, or its value
/// replaced by one of another kind), must give the same event or the same reason either way.
@Suite struct EventReadingTests {
    static let examples = ["received", "progressed", "result-returned", "result-disputed", "civil-received", "interconnect-received", "interconnect-resolved", "land-received"]

    @Test(arguments: examples)
    func everyExampleReadsAsJSONDecoderReadsIt(name: String) throws {
        let bytes = try Fixtures.bytes("examples/events/\(name).json")
        let read = try DossierEventDecoder.decode(bytes, key: nil)
        #expect(read == (try JSONCoding.decoder.decode(DossierEvent.self, from: Data(bytes))))
    }

    @Test(arguments: examples)
    func everyChangeReadsAsJSONDecoderReadsIt(name: String) throws {
        let original = try JSONSerialization.jsonObject(with: Data(try Fixtures.bytes("examples/events/\(name).json")))
        var compared = 0
        var refused = 0
        for path in Self.paths(in: original) {
            for change in Change.all {
                guard let changed = Self.apply(change, at: path, to: original) else { continue }
                let bytes = Array(try JSONSerialization.data(withJSONObject: changed))
                let expected = Self.decodedByJSONDecoder(bytes)
                let actual: Result<DossierEvent, InvalidEvent> = Result { () throws(InvalidEvent) in try DossierEventDecoder.decode(bytes, key: nil) }
                compared += 1
                switch (expected, actual) {
                case (.success(let expectedEvent), .success(let event)):
                    #expect(event == expectedEvent, "\(name) \(path) \(change)")
                case (.failure(let expectedRefusal), .failure(let error)):
                    refused += 1
                    guard !Self.saysMore(error.reason, than: expectedRefusal.reason, after: change) else { continue }
                    #expect(error.reason == expectedRefusal.reason, "\(name) \(path) \(change)")
                case (.success, .failure(let error)):
                    Issue.record("\(name) \(path) \(change): refused (\(error.reason)), JSONDecoder accepted it")
                case (.failure(let refusal), .success):
                    Issue.record("\(name) \(path) \(change): accepted, JSONDecoder refused it (\(refusal.reason))")
                }
            }
        }
        #expect(compared > 200)
        #expect(refused > 50)
    }

    @Test func textOutsideTheContractIsRefusedAsBefore() throws {
        let bytes = try Fixtures.bytes("examples/events/received.json")
        let text = String(decoding: bytes, as: UTF8.self)
        for (original, replacement, reason) in [
            (#""identityType": "cccd""#, #""identityType": "passport""#, "data.applicant.identityType: a value outside the contract"),
            (#""receivedAt": "2025-07-11T08:30:00+07:00""#, #""receivedAt": "11/07/2025""#, "data.receivedAt: a value outside the contract"),
            (#""channel": "in-person""#, #""channel": 3"#, "data.channel: expected a string"),
        ] {
            #expect(text.contains(original))
            do {
                _ = try DossierEventDecoder.decode(Array(text.replacingOccurrences(of: original, with: replacement).utf8), key: nil)
                Issue.record("accepted \(replacement)")
            } catch {
                #expect(error.reason == reason)
            }
        }
        #expect(throws: InvalidEvent.self) { try DossierEventDecoder.decode(bytes + Array(" {}".utf8), key: nil) }
    }

    @Test func aNumberBeyondADoubleInARegistryRecordIsRefusedAsBefore() throws {
        let text = String(decoding: try Fixtures.bytes("examples/events/civil-received.json"), as: UTF8.self)
        let changed = Array(text.replacingOccurrences(of: #""nksGioiTinh": 1"#, with: #""nksGioiTinh": 1e999"#).utf8)
        #expect(changed != Array(text.utf8))
        let reason = try #require(Self.decodedByJSONDecoder(changed).failureReason)
        do {
            _ = try DossierEventDecoder.decode(changed, key: nil)
            Issue.record("accepted; JSONDecoder refused it (\(reason))")
        } catch {
            #expect(error.reason == "data.civilStatus.record.nksGioiTinh: a value outside the contract")
        }
    }

    /// Where the reader's reason is more exact than JSONDecoder's, and only there: JSONDecoder
    /// loses the path of a number that is not whole where a whole one is due, and calls a null
    /// where true or false is due a mismatch, where every other null is "is null".
    static func saysMore(_ reason: String, than decoderReason: String, after change: Change) -> Bool {
        switch change {
        case .fraction: decoderReason == "not valid JSON" && reason.hasSuffix(": a value outside the contract")
        case .null: decoderReason.hasSuffix(": expected true or false") && reason == decoderReason.replacingOccurrences(of: "expected true or false", with: "is null")
        default: false
        }
    }

    // MARK: The changes

    enum Step: CustomStringConvertible {
        case key(String)
        case index(Int)
        var description: String {
            switch self {
            case .key(let key): ".\(key)"
            case .index(let index): "[\(index)]"
            }
        }
    }

    enum Change: CaseIterable {
        case removed, null, integer, fraction, text, digits, boolean, emptyArray, emptyObject
        static let all = allCases

        var replacement: Any? {
            switch self {
            case .removed: nil
            case .null: NSNull()
            case .integer: 7
            case .fraction: 3.5
            case .text: "x"
            case .digits: "12"
            case .boolean: true
            case .emptyArray: [Any]()
            case .emptyObject: [String: Any]()
            }
        }
    }

    /// Every member's path, and the first two elements of each array.
    static func paths(in value: Any, under prefix: [Step] = []) -> [[Step]] {
        var paths: [[Step]] = []
        if let object = value as? [String: Any] {
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                let path = prefix + [.key(key)]
                paths.append(path)
                paths += Self.paths(in: member, under: path)
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.prefix(2).enumerated() {
                let path = prefix + [.index(index)]
                paths.append(path)
                paths += Self.paths(in: element, under: path)
            }
        }
        return paths
    }

    static func apply(_ change: Change, at path: [Step], to value: Any) -> Any? {
        guard let first = path.first else { return change.replacement }
        let rest = Array(path.dropFirst())
        switch first {
        case .key(let key):
            guard var object = value as? [String: Any], let member = object[key] else { return nil }
            if rest.isEmpty, change == .removed {
                object[key] = nil
            } else {
                guard let changed = apply(change, at: rest, to: member) else { return nil }
                object[key] = changed
            }
            return object
        case .index(let index):
            // An element is replaced, never removed: removing it only shortens the array.
            guard var array = value as? [Any], index < array.count, !(rest.isEmpty && change == .removed) else { return nil }
            guard let changed = apply(change, at: rest, to: array[index]) else { return nil }
            array[index] = changed
            return array
        }
    }

    // MARK: JSONDecoder's reading, as the decoder gave it before the reader

    static func decodedByJSONDecoder(_ bytes: [UInt8]) -> Result<DossierEvent, Refusal> {
        let event: DossierEvent
        do {
            event = try JSONCoding.decoder.decode(DossierEvent.self, from: Data(bytes))
        } catch let error as DecodingError {
            return .failure(Refusal(reason: describe(error)))
        } catch {
            return .failure(Refusal(reason: "not valid JSON"))
        }
        do throws(InvalidEvent) {
            try DossierEventDecoder.validate(event, key: nil)
        } catch {
            return .failure(Refusal(reason: error.reason))
        }
        return .success(event)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.isEmpty ? "the event" : String(joined.dropFirst(joined.hasPrefix(".") ? 1 : 0))
        }
        func kind(of type: Any.Type) -> String {
            switch type {
            case is String.Type: "a string"
            case is Bool.Type: "true or false"
            case is Int.Type, is Double.Type, is Int64.Type: "a number"
            case is [Any].Type: "an array"
            default: "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field \(parent == "the event" ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(kind(of: type))"
        case .valueNotFound(_, let context): return "\(path(context)): is null"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): a value outside the contract"
        @unknown default: return "not a dossier event"
        }
    }
}

/// JSONDecoder's reason for refusing an event.
struct Refusal: Error {
    let reason: String
}

extension Result where Failure == Refusal {
    var failureReason: String? {
        if case .failure(let refusal) = self { return refusal.reason }
        return nil
    }
}
