import Foundation

/// A national system's response-classification table, kept as data in `Contracts/<system>/classification.json`.
///
/// Rules are tried in order; the first whose every given condition holds decides.
public struct ClassificationTable: Codable, Sendable {
    /// What a rule rests on: an answer seen in real clients' code, or our own design choice.
    public enum Basis: String, Codable, Sendable {
        case verified
        case assumed
    }

    public struct Rule: Codable, Sendable {
        /// HTTP statuses: exact codes (`"404"`) or classes (`"5xx"`).
        public var status: [String]?
        /// Body answer codes, compared as text.
        public var code: [String]?
        /// Text to find in the answer message, compared without case or accents.
        public var message: String? {
            didSet { foldedMessage = message.map(VietnameseText.fold) }
        }
        /// `message` folded once, not on every answer.
        private(set) var foldedMessage: String?
        /// Other answer fields (dotted paths, `status.success`) and the texts one of which each must hold.
        public var fields: [String: [String]]?
        /// The operations this rule applies to; all when absent.
        public var operations: [String]?
        public var verdict: Verdict
        /// The `dlq.error.class` recorded when this rule fails a call; `http-<status>` when absent.
        public var errorClass: ErrorClass?
        /// Whether real clients show this answer, or the rule is our guess.
        public var basis: Basis?
        /// Why the rule exists, for whoever edits the table.
        public var note: String?

        public init(status: [String]? = nil, code: [String]? = nil, message: String? = nil, fields: [String: [String]]? = nil, operations: [String]? = nil, verdict: Verdict, errorClass: ErrorClass? = nil, basis: Basis? = nil, note: String? = nil) {
            self.status = status
            self.code = code
            self.message = message
            self.fields = fields
            self.operations = operations
            self.verdict = verdict
            self.errorClass = errorClass
            self.basis = basis
            self.note = note
            self.foldedMessage = message.map(VietnameseText.fold)
        }

        enum CodingKeys: String, CodingKey { case status, code, message, fields, operations, verdict, errorClass, basis, note }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                status: try container.decodeIfPresent([String].self, forKey: .status),
                code: try container.decodeIfPresent([String].self, forKey: .code),
                message: try container.decodeIfPresent(String.self, forKey: .message),
                fields: try container.decodeIfPresent([String: [String]].self, forKey: .fields),
                operations: try container.decodeIfPresent([String].self, forKey: .operations),
                verdict: try container.decode(Verdict.self, forKey: .verdict),
                errorClass: try container.decodeIfPresent(ErrorClass.self, forKey: .errorClass),
                basis: try container.decodeIfPresent(Basis.self, forKey: .basis),
                note: try container.decodeIfPresent(String.self, forKey: .note)
            )
        }
    }

    /// An answer's verdict and the rule that gave it; no rule when `otherwise` decided.
    public struct Judgement: Sendable {
        public var verdict: Verdict
        public var rule: Rule?
    }

    public var system: String
    public var version: String
    public var rules: [Rule]
    /// The verdict when no rule matches.
    public var otherwise: Verdict

    public init(system: String, version: String, rules: [Rule], otherwise: Verdict) {
        self.system = system
        self.version = version
        self.rules = rules
        self.otherwise = otherwise
    }

    public static func load(from path: String) throws -> ClassificationTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("classification table \(path) cannot be read")
        }
        do {
            return try JSONDecoder().decode(ClassificationTable.self, from: data)
        } catch {
            throw ConfigurationError("classification table \(path) is not valid: \(error)")
        }
    }

    /// The verdict for an answer. The HTTP status class decides before any rule: a redirect (never
    /// followed), a 5xx, 408, 425 or 429 is retryable whatever the body says, so that an outage is
    /// never read as bad data or as an expired session. A rule's `reauthenticate` holds only for
    /// 401 or 403, or when the rule names the session in its message: a bare body code is not
    /// enough to sign in again.
    public func classify(status: Int, code: String?, message: String?, fields: [String: String] = [:], operation: String? = nil) -> Verdict {
        judge(status: status, code: code, message: message, fields: fields, operation: operation).verdict
    }

    /// The verdict for an answer with the rule that gave it.
    /// - Parameters:
    ///   - fields: the answer's texts at the paths `fieldPaths` names.
    public func judge(status: Int, code: String?, message: String?, fields: [String: String] = [:], operation: String? = nil) -> Judgement {
        if Self.statusAloneIsRetryable(status) { return Judgement(verdict: .retryable) }
        // Folded at most once, and only when a rule with a message pattern is reached.
        var foldedMessage: String??
        for rule in rules {
            if let operations = rule.operations, let operation, !operations.contains(operation) { continue }
            if let statuses = rule.status, !statuses.contains(where: { Self.status(status, matches: $0) }) { continue }
            if let codes = rule.code {
                guard let code, codes.contains(code) else { continue }
            }
            if let conditions = rule.fields, !conditions.allSatisfy({ path, texts in fields[path].map(texts.contains) ?? false }) { continue }
            if let pattern = rule.foldedMessage {
                if foldedMessage == nil { foldedMessage = .some(message.map(VietnameseText.fold)) }
                guard let folded = foldedMessage ?? nil, VietnameseText.contains(folded, pattern) else { continue }
            }
            if rule.verdict == .reauthenticate, status != 401, status != 403, rule.message == nil { continue }
            return Judgement(verdict: rule.verdict, rule: rule)
        }
        return Judgement(verdict: otherwise)
    }

    /// Every answer field some rule's `fields` names, for the caller to read once per answer.
    public var fieldPaths: [String] {
        var paths: [String] = []
        for rule in rules { for path in (rule.fields ?? [:]).keys.sorted() where !paths.contains(path) { paths.append(path) } }
        return paths
    }

    /// Statuses that mean "not now" for any system: redirects, timeouts, throttling, server errors.
    public static func statusAloneIsRetryable(_ status: Int) -> Bool {
        (300..<400).contains(status) || (500..<600).contains(status) || status == 408 || status == 425 || status == 429
    }

    static func status(_ status: Int, matches pattern: String) -> Bool {
        if pattern.count == 3, pattern.hasSuffix("xx"), let hundreds = Int(pattern.prefix(1)) {
            return status / 100 == hundreds
        }
        return Int(pattern) == status
    }
}

/// Comparison of Vietnamese text regardless of case, accents and NFC/NFD form.
public enum VietnameseText {
    /// `Đã TỒN TẠI` → `da ton tai`: marks dropped after canonical decomposition, `đ` as `d`,
    /// lowercased. Plain ASCII needs no decomposition and is only lowercased.
    public static func fold(_ text: String) -> String {
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let decomposed = isASCII ? text : text.decomposedStringWithCanonicalMapping
        var folded = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                folded.append(Unicode.Scalar((0x41...0x5A).contains(byte) ? byte | 0x20 : byte))
                continue
            }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            switch scalar {
            case "đ", "Đ": folded.append("d")
            default: folded.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(folded)
    }

    /// Whether `folded` holds `pattern`, both already folded: their scalars then compare as
    /// bytes, with no locale or normalisation to apply.
    public static func contains(_ folded: String, _ pattern: String) -> Bool {
        var folded = folded, pattern = pattern
        return folded.withUTF8 { text in
            pattern.withUTF8 { wanted in
                guard let first = wanted.first else { return true }
                guard wanted.count <= text.count else { return false }
                for start in 0...(text.count - wanted.count) where text[start] == first {
                    if UnsafeBufferPointer(rebasing: text[start..<(start + wanted.count)]).elementsEqual(wanted) { return true }
                }
                return false
            }
        }
    }
}
