import Foundation
import GatewayModel

/// Headers a deployment adds to every call to one system (`dstcode`, an LGSP's API key), as
/// `connection.headers`: `{"dstcode": "G22", "X-Api-Key": {"env": "LGSP_KEY"}}`. A value is
/// written as text, or as a secret source for values that must not sit in the file.
public struct ConfiguredHeaders: Codable, Sendable, Equatable {
    public typealias Value = TextOrSecret

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
            return (name, try values[name]!.resolve(environment: environment))
        }
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
