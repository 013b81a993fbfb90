import Foundation

/// Why an incoming record is not a usable dossier event.
public struct InvalidEvent: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Decodes and validates `dossier.events` records against the event contract.
public enum DossierEventDecoder {
    /// The version of `Contracts/events/dossier-event.schema.json` this decoder implements.
    public static let contractVersion = "1.0.0"

    public static func decode(_ bytes: [UInt8], key: String?) throws(InvalidEvent) -> DossierEvent {
        let event: DossierEvent
        do {
            event = try JSONCoding.decoder.decode(DossierEvent.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw InvalidEvent(describe(error))
        } catch {
            throw InvalidEvent("not JSON: \(error)")
        }
        try validate(event, key: key)
        return event
    }

    public static func validate(_ event: DossierEvent, key: String?) throws(InvalidEvent) {
        guard event.specversion == "1.0" else { throw InvalidEvent("specversion must be \"1.0\", got \"\(event.specversion)\"") }
        guard !event.id.isEmpty else { throw InvalidEvent("id is empty") }
        guard !event.source.isEmpty else { throw InvalidEvent("source is empty") }
        if let contentType = event.datacontenttype, !contentType.hasPrefix("application/json") {
            throw InvalidEvent("datacontenttype must be application/json, got \(contentType)")
        }
        let data = event.data
        guard isDossierCode(data.dossierCode) else { throw InvalidEvent("data.dossierCode \"\(data.dossierCode)\" is not a dossier code") }
        guard event.subject == data.dossierCode else { throw InvalidEvent("subject differs from data.dossierCode") }
        if let key, key != data.dossierCode { throw InvalidEvent("record key differs from data.dossierCode") }
        guard !data.agencyCode.isEmpty else { throw InvalidEvent("data.agencyCode is empty") }
        guard !data.procedure.code.isEmpty, !data.procedure.name.isEmpty else { throw InvalidEvent("data.procedure needs code and name") }
        guard !data.field.code.isEmpty else { throw InvalidEvent("data.field.code is empty") }
        guard !data.applicant.fullName.isEmpty else { throw InvalidEvent("data.applicant.fullName is empty") }
        if let module = data.procedure.interconnectModule, !["LTKS", "LTKT"].contains(module) {
            throw InvalidEvent("data.procedure.interconnectModule must be LTKS or LTKT")
        }
        if let number = data.applicant.identityNumber {
            let digits = number.allSatisfy(\.isASCIIDigit)
            switch data.applicant.identityType {
            case .cccd where !(digits && number.count == 12):
                throw InvalidEvent("data.applicant.identityNumber: a CCCD number has 12 digits")
            case .cmnd where !(digits && number.count == 9):
                throw InvalidEvent("data.applicant.identityNumber: a CMND number has 9 digits")
            case nil:
                throw InvalidEvent("data.applicant.identityType is required with identityNumber")
            default: break
            }
        }
        switch event.type {
        case .received where data.receivedAt == nil:
            throw InvalidEvent("a received event needs data.receivedAt")
        case .progressed where (data.progress ?? []).isEmpty:
            throw InvalidEvent("a progressed event needs at least one data.progress step")
        case .rejected where data.rejectedAt == nil:
            throw InvalidEvent("a rejected event needs data.rejectedAt")
        case .resultReturned where data.returnedAt == nil:
            throw InvalidEvent("a result-returned event needs data.returnedAt")
        default: break
        }
    }

    /// `AGENCY-YYMMDD-NNNNN`, the agency part being a QĐ 20/2020 identifier such as `000.00.12.H13`.
    public static func isDossierCode(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, code.count <= 64 else { return false }
        let agency = parts[0]
        return !agency.isEmpty
            && agency.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }
            && parts.dropFirst().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.isEmpty ? "the event" : String(joined.dropFirst(joined.hasPrefix(".") ? 1 : 0))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field \(parent == "the event" ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The JSON coders every gateway record uses: ISO 8601 dates with offsets, sorted keys.
public enum JSONCoding {
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(VietnamTime.rfc3339(date))
        }
        return encoder
    }

    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
