import Foundation
import Hummingbird
import NIOCore

/// A mock's answer to one request, and how it is journalled.
package struct MockAnswer: Sendable {
    package var status: Int
    package var code: String?
    package var accepted: Bool
    package var rejection: String?
    package var body: [UInt8]

    package init(status: Int, code: String?, accepted: Bool, rejection: String?, body: [UInt8]) {
        self.status = status
        self.code = code
        self.accepted = accepted
        self.rejection = rejection
        self.body = body
    }

    /// A JSON answer; `accepted` marks it as applied, `rejection` says why it was not.
    package static func json(_ object: [String: Any], status: Int = 200, code: String? = nil, accepted: Bool, rejection: String? = nil) -> MockAnswer {
        let body = Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        return MockAnswer(status: status, code: code, accepted: accepted, rejection: rejection, body: body)
    }

    package var response: Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// What a mock says about one request before answering it.
package struct MockRequest {
    package let operation: String
    /// The parsed body, or why it is not a JSON object.
    package let body: Result<[String: Any], MockContractViolation>
    package let text: String
    package let headers: HTTPFields
    package var dossiers: [String] = []
    package var statuses: [String] = []

    package func header(_ name: String) -> String? {
        headers.first { $0.name.canonicalName == name.lowercased() }?.value
    }

    /// The bearer token of `Authorization`, if any.
    package var bearerToken: String? {
        guard let value = header("authorization"), value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst("Bearer ".count))
    }
}

extension MockControl {
    /// Serves one request the way every mock does: planned faults first, then a repeated
    /// idempotency key answered from memory, then `answer`; everything goes to the journal.
    package func serve(
        _ request: Request,
        operation: (Result<[String: Any], MockContractViolation>) -> String,
        describe: (inout MockRequest) -> Void = { _ in },
        idempotent: Bool = true,
        answer: (MockRequest) async -> MockAnswer
    ) async -> Response {
        let buffer = (try? await request.body.collect(upTo: 16 << 20)) ?? ByteBuffer()
        let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        let parsed: Result<[String: Any], MockContractViolation> = isForm ? .success(MockForm.fields(String(buffer: buffer))) : MockJSON.object(buffer)
        var mockRequest = MockRequest(operation: operation(parsed), body: parsed, text: String(buffer: buffer), headers: request.headers)
        if case .success = parsed { describe(&mockRequest) }
        let key = idempotent ? mockRequest.header("idempotency-key") : nil
        var entry = JournalEntry(
            method: request.method.rawValue, path: request.uri.path, operation: mockRequest.operation,
            dossiers: mockRequest.dossiers, statuses: mockRequest.statuses, idempotencyKey: key,
            traceparent: mockRequest.header("traceparent"), body: mockRequest.text
        )
        let fault = await faults.take(operation: mockRequest.operation)
        if let fault, fault.afterProcessing != true, let (response, reason) = await injectedFault(fault) {
            entry.status = Int(response.status.code)
            entry.rejection = reason
            await journal.append(entry)
            return response
        }
        if let key, let previous = await idempotency.claim(key) {
            entry.status = previous.status
            entry.answerCode = previous.code
            entry.accepted = true
            entry.absorbed = true
            await journal.append(entry)
            return MockAnswer(status: previous.status, code: previous.code, accepted: true, rejection: nil, body: previous.body).response
        }
        let result = await answer(mockRequest)
        entry.status = result.status
        entry.answerCode = result.code
        entry.accepted = result.accepted
        entry.rejection = result.rejection
        if let key {
            await idempotency.finish(key, with: result.accepted ? .init(status: result.status, code: result.code, body: result.body) : nil)
        }
        if let fault, fault.afterProcessing == true, let (response, reason) = await injectedFault(fault) {
            entry.status = Int(response.status.code)
            entry.rejection = "\(result.accepted ? "applied" : result.rejection ?? "refused"), then \(reason)"
            await journal.append(entry)
            return response
        }
        await journal.append(entry)
        return result.response
    }
}

/// `application/x-www-form-urlencoded` bodies.
package enum MockForm {
    /// Every field as text; a repeated name keeps its last value.
    package static func fields(_ text: String) -> [String: String] {
        Dictionary(text.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ") }
            return (parts[0].removingPercentEncoding ?? parts[0], parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : "")
        }, uniquingKeysWith: { $1 })
    }
}

/// Checks mocks share when they hold a request to its contract.
package enum MockContract {
    /// A code the system wants as text (`"1"`), never as a JSON number, and one of `allowed`.
    package static func code(_ object: [String: Any], _ field: String, in context: String = "body", allowed: [String]) throws -> String {
        guard let value = object[field], !(value is NSNull) else { throw MockContractViolation("\(context): missing \(field)") }
        guard let text = value as? String else { throw MockContractViolation("\(context).\(field) must be a string") }
        guard allowed.contains(text) else { throw MockContractViolation("\(context).\(field) must be one of \(allowed.joined(separator: ", ")), got \(text)") }
        return text
    }

    /// A field that must be null, absent or `""`.
    package static func emptyOrNull(_ object: [String: Any], _ field: String, in context: String = "body") throws {
        guard let value = object[field], !(value is NSNull) else { return }
        guard let text = value as? String, text.isEmpty else { throw MockContractViolation("\(context).\(field) must be null or \"\"") }
    }

    package static func string(_ object: [String: Any], _ field: String, in context: String = "body", allowEmpty: Bool = false) throws -> String {
        guard let value = object[field], !(value is NSNull) else { throw MockContractViolation("\(context): missing \(field)") }
        guard let text = value as? String else { throw MockContractViolation("\(context).\(field) must be a string") }
        guard allowEmpty || !text.isEmpty else { throw MockContractViolation("\(context).\(field) is empty") }
        return text
    }

    package static func optionalString(_ object: [String: Any], _ field: String, in context: String = "body") throws -> String? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw MockContractViolation("\(context).\(field) must be a string") }
        return text
    }

    /// An integer that JSON sent as a number, not as text or a fraction.
    package static func integer(_ object: [String: Any], _ field: String, in context: String = "body", allowed: ClosedRange<Int>? = nil) throws -> Int {
        guard let value = object[field] else { throw MockContractViolation("\(context): missing \(field)") }
        guard let number = value as? NSNumber, !(value is String), String(cString: number.objCType) != "c", number.doubleValue.rounded() == number.doubleValue else {
            throw MockContractViolation("\(context).\(field) must be an integer")
        }
        let integer = number.intValue
        if let allowed, !allowed.contains(integer) {
            throw MockContractViolation("\(context).\(field) must be in \(allowed.lowerBound)...\(allowed.upperBound), got \(integer)")
        }
        return integer
    }

    /// A field holding JSON text whose content must be an object.
    package static func embeddedObject(_ object: [String: Any], _ field: String, in context: String = "body") throws -> [String: Any] {
        let text = try string(object, field, in: context)
        guard let inner = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw MockContractViolation("\(context).\(field) must be a JSON object sent as a string")
        }
        return inner
    }

    package static func array(_ object: [String: Any], _ field: String, in context: String = "body") throws -> [Any] {
        guard let value = object[field] else { throw MockContractViolation("\(context): missing \(field)") }
        guard let array = value as? [Any] else { throw MockContractViolation("\(context).\(field) must be an array") }
        return array
    }

    /// `yyyy-MM-ddTHH:mm:ss`, local time with no offset; `null` allowed when `nullable`.
    package static func isoLocalDate(_ object: [String: Any], _ field: String, in context: String = "body", nullable: Bool = false) throws -> String? {
        if nullable, object[field] == nil || object[field] is NSNull { return nil }
        let text = try string(object, field, in: context)
        let pattern = #"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else {
            throw MockContractViolation("\(context).\(field) must be yyyy-MM-ddTHH:mm:ss (local time, no offset), got \(text)")
        }
        return text
    }

    /// `dd/MM/yyyy HH:mm:ss`.
    package static func slashedDate(_ object: [String: Any], _ field: String, in context: String = "body") throws -> String {
        let text = try string(object, field, in: context)
        let pattern = #"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[0-9]{4} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else {
            throw MockContractViolation("\(context).\(field) must be dd/MM/yyyy HH:mm:ss, got \(text)")
        }
        return text
    }
}

/// Bearer tokens a mock has issued, with their expiry.
package actor MockTokens {
    private var tokens: [String: ContinuousClock.Instant] = [:]
    private let lifetime: Duration

    package init(lifetime: Duration = .seconds(3600)) {
        self.lifetime = lifetime
    }

    package func issue() -> (token: String, expiresIn: Int) {
        let token = UUID().uuidString
        tokens[token] = .now + lifetime
        return (token, Int(lifetime.components.seconds))
    }

    package func isValid(_ token: String?) -> Bool {
        guard let token, let expiry = tokens[token] else { return false }
        return ContinuousClock.now < expiry
    }

    package func expireAll() { tokens.removeAll() }
}

/// An OAuth2 token endpoint, as an LGSP or the civil registry may run it: client credentials, or
/// (ILIS) the resource owner's password.
package enum MockOAuth2 {
    /// - Parameter user: when given, the password grant for this user is what is accepted.
    package static func grant(_ request: MockRequest, clientID: String, clientSecret: String, user: (name: String, password: String)? = nil, tokens: MockTokens) async -> MockAnswer {
        let form = MockForm.fields(request.text)
        if let user {
            guard form["grant_type"] == "password" else {
                return .json(["error": "unsupported_grant_type"], status: 400, accepted: false, rejection: "grant_type must be password")
            }
            guard form["username"] == user.name, form["password"] == user.password else {
                return .json(["error": "invalid_grant"], status: 400, accepted: false, rejection: "wrong user name or password")
            }
        } else {
            guard form["grant_type"] == "client_credentials" else {
                return .json(["error": "unsupported_grant_type"], status: 400, accepted: false, rejection: "grant_type must be client_credentials")
            }
        }
        let expected = "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        guard request.header("authorization") == expected else {
            return .json(["error": "invalid_client"], status: 401, accepted: false, rejection: "wrong client credentials")
        }
        let (token, expiresIn) = await tokens.issue()
        return .json(["access_token": token, "expires_in": expiresIn, "token_type": "Bearer"], accepted: true)
    }
}
