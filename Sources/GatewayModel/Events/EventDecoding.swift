import Foundation

/// Why an incoming record is not a usable dossier event: the path and the rule broken, never
/// the offending value (it may be personal data, and it may be of any size).
public struct InvalidEvent: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Decodes and validates `dossier.events` records against the event contract.
public enum DossierEventDecoder {
    /// The version of `Contracts/events/dossier-event.schema.json` this decoder implements.
    public static let contractVersion = "1.1.0"

    /// The largest event accepted by default: room for a land dossier's attachments inline.
    public static let defaultMaxEventBytes = 16 << 20

    public static func decode(_ bytes: [UInt8], key: String?, maxBytes: Int = defaultMaxEventBytes) throws(InvalidEvent) -> DossierEvent {
        guard bytes.count <= maxBytes else { throw InvalidEvent("the event is larger than \(maxBytes) bytes") }
        let event: DossierEvent
        do {
            event = try JSONReader.read(bytes) { reader throws(JSONReadError) in try DossierEvent(reading: &reader) }
        } catch {
            throw InvalidEvent(error.reason(document: "the event"))
        }
        try validate(event, key: key)
        return event
    }

    public static func validate(_ event: DossierEvent, key: String?) throws(InvalidEvent) {
        guard event.specversion == "1.0" else { throw InvalidEvent("specversion must be \"1.0\"") }
        guard isEventID(event.id) else { throw InvalidEvent("id must be 1 to 128 of A-Z a-z 0-9 . _ : -") }
        guard !event.source.isEmpty, event.source.utf8.count <= 512 else { throw InvalidEvent("source must be 1 to 512 bytes") }
        if let contentType = event.datacontenttype, !contentType.hasPrefix("application/json") {
            throw InvalidEvent("datacontenttype must be application/json")
        }
        let data = event.data
        guard isDossierCode(data.dossierCode) else { throw InvalidEvent("data.dossierCode is not a dossier code (AGENCY-YYMMDD-NNNNN)") }
        guard event.subject == data.dossierCode else { throw InvalidEvent("subject differs from data.dossierCode") }
        if let key, key != data.dossierCode { throw InvalidEvent("record key differs from data.dossierCode") }
        guard !data.agencyCode.isEmpty else { throw InvalidEvent("data.agencyCode is empty") }
        guard !data.procedure.code.isEmpty, !data.procedure.name.isEmpty else { throw InvalidEvent("data.procedure needs code and name") }
        guard !data.field.code.isEmpty else { throw InvalidEvent("data.field.code is empty") }
        guard !data.applicant.fullName.isEmpty else { throw InvalidEvent("data.applicant.fullName is empty") }
        try EventBounds.check(data)
        if let steps = data.progress, steps.contains(where: { $0.handler.isEmpty || $0.content.isEmpty }) {
            throw InvalidEvent("data.progress[]: handler and content must not be empty")
        }
        if data.civilStatus?.module.isEmpty == true { throw InvalidEvent("data.civilStatus.module is empty") }
        if let land = data.land, [land.provinceId, land.districtId, land.communeId].contains(where: { $0 < 0 }) {
            throw InvalidEvent("data.land: provinceId, districtId and communeId are VBDLIS's non-negative area ids")
        }
        if let parcels = data.land?.parcels, parcels.contains(where: { !Self.isArea($0.area) }) {
            throw InvalidEvent("data.land.parcels[].area must be a positive number of square metres")
        }
        if data.interconnect?.dossierNumber.isEmpty == true { throw InvalidEvent("data.interconnect.dossierNumber is empty") }
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
        case .resultDisputed where (data.note ?? "").isEmpty:
            throw InvalidEvent("a result-disputed event needs data.note: what is wrong with the result")
        default: break
        }
    }

    /// A positive decimal, as a parcel's area is written.
    static func isArea(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return false }
        return text.contains { $0 != "0" && $0 != "." }
    }

    /// An event id that can travel in headers, logs and idempotency keys.
    public static func isEventID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...128).contains(bytes.count) && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// `AGENCY-YYMMDD-NNNNN`, the agency part being a QĐ 20/2020 identifier such as `000.00.12.H13`.
    public static func isDossierCode(_ code: String) -> Bool {
        let bytes = code.utf8
        guard bytes.count <= 64 else { return false }
        var parts = 1
        var partLength = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "-"):
                guard partLength > 0 else { return false }
                parts += 1
                partLength = 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                partLength += 1
            case UInt8(ascii: ".") where parts == 1:
                partLength += 1
            default:
                return false
            }
        }
        return parts >= 3 && partLength > 0
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The JSON coders every gateway record uses: ISO 8601 dates with offsets, sorted keys.
public enum JSONCoding {
    /// Shared: a configured `JSONDecoder` or `JSONEncoder` is safe to use from many tasks at once.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }()

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(VietnamTime.rfc3339(date))
        }
        return encoder
    }()

    static func parseTimestamp(_ text: String) -> Date? {
        if let date = RFC3339.parse(text) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
