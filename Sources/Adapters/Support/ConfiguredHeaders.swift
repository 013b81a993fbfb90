import Foundation
import GatewayModel

/// Headers a deployment adds to every call to one system (`dstcode`, an LGSP's API key), as
/// `connection.headers`: `{"dstcode": "G22", "X-Api-Key": {"env": "LGSP_KEY"}}`. A value is
/// written as text, or as a secret source for values that must not sit in the file.
public struct ConfiguredHeaders: Codable, Sendable, Equatable {
    public enum Value: Codable, Sendable, Equatable {
        case text(String)
        case secret(SecretSource)

        public init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .text(text)
            } else {
                self = .secret(try SecretSource(from: decoder))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .text(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .secret(let source):
                try source.encode(to: encoder)
            }
        }
    }

    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Value].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// The headers with every secret read, in name order.
    /// - Throws: `ConfigurationError` naming a header that is not a valid field name, or a secret
    ///   that cannot be read.
    public func resolve(environment: [String: String]) throws -> [(name: String, value: String)] {
        try values.keys.sorted().map { name in
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenCharacter) else {
                throw ConfigurationError("connection.headers: \"\(name)\" is not a valid header name")
            }
            switch values[name]! {
            case .text(let text): return (name, text)
            case .secret(let source): return (name, try source.resolve(environment: environment).value)
            }
        }
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
