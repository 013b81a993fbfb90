import Foundation

/// A password, token or key: read from the environment or a file, never printed.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself, for the one call that sends it.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// Whether `candidate` is the secret, compared without stopping at the first difference, so
    /// the time taken says nothing of the secret.
    public func matches(_ candidate: some Sequence<UInt8>) -> Bool {
        let expected = Array(value.utf8), given = Array(candidate)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<max(expected.count, given.count) {
            difference |= (index < expected.count ? expected[index] : 0) ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// `dump` and reflection see no children, so no value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Where configuration says a secret lives.
public enum SecretSource: Codable, Sendable, Equatable {
    /// An environment variable's name.
    case environment(String)
    /// A file whose contents (trailing newline dropped) are the secret.
    case file(String)

    private enum CodingKeys: String, CodingKey { case env, file }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try container.decodeIfPresent(String.self, forKey: .env) {
            self = .environment(name)
        } else if let path = try container.decodeIfPresent(String.self, forKey: .file) {
            self = .file(path)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a secret is {\"env\": NAME} or {\"file\": PATH}; secrets are not written in the configuration file"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .environment(let name): try container.encode(name, forKey: .env)
        case .file(let path): try container.encode(path, forKey: .file)
        }
    }

    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Secret {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigurationError("environment variable \(name) is not set")
            }
            return Secret(value)
        case .file(let path):
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("secret file \(path) cannot be read")
            }
            var text = String(decoding: contents, as: UTF8.self)
            while text.last?.isNewline == true { text.removeLast() }
            return Secret(text)
        }
    }
}

/// A configuration value written as text, or, where it must not sit in the file, as a secret's
/// source (`{"env": NAME}`, `{"file": PATH}`): a librdkafka property, a header.
public enum TextOrSecret: Codable, Sendable, Equatable {
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

    /// The value, a secret read from where it lives.
    public func resolve(environment: [String: String]) throws -> String {
        switch self {
        case .text(let text): text
        case .secret(let source): try source.resolve(environment: environment).value
        }
    }
}

/// A configuration problem, described for the operator who must fix it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
