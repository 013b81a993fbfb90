/// How large an event's fields may be: the `maxLength` and `maxItems` of
/// `Contracts/events/dossier-event.schema.json`, where a contract test holds them equal.
/// Lengths count Unicode scalars, as JSON Schema does. Attachments (`contentBase64`,
/// `certificateBase64`) are bounded only by the whole event's size.
public enum EventBounds {
    public struct Bound: Sendable {
        /// Where in `data` the schema states the bound: `applicant.fullName`, `progress[].content`.
        public let path: String
        public let limit: Int
        public let isArray: Bool
        fileprivate let measure: @Sendable (DossierData) -> [Int]
    }

    private static func text(_ path: String, _ limit: Int, _ values: @escaping @Sendable (DossierData) -> [String?]) -> Bound {
        Bound(path: path, limit: limit, isArray: false) { data in
            values(data).compactMap { value in
                // Scalars never outnumber UTF-8 bytes: only long texts are counted.
                guard let value, value.utf8.count > limit else { return nil }
                return value.unicodeScalars.count
            }
        }
    }

    private static func items(_ path: String, _ limit: Int, _ count: @escaping @Sendable (DossierData) -> Int?) -> Bound {
        Bound(path: path, limit: limit, isArray: true) { data in count(data).map { [$0] } ?? [] }
    }

    public static let all: [Bound] = [
        text("agencyCode", 64) { [$0.agencyCode] },
        text("agencyName", 512) { [$0.agencyName] },
        text("receiptNumber", 64) { [$0.receiptNumber] },
        text("procedure.code", 64) { [$0.procedure.code] },
        text("procedure.name", 2_000) { [$0.procedure.name] },
        text("field.code", 64) { [$0.field.code] },
        text("field.name", 512) { [$0.field.name] },
        text("applicant.fullName", 256) { [$0.applicant.fullName] },
        text("applicant.address", 1_000) { [$0.applicant.address] },
        text("applicant.phone", 32) { [$0.applicant.phone] },
        text("applicant.email", 256) { [$0.applicant.email] },
        text("summary", 4_000) { [$0.summary] },
        text("note", 4_000) { [$0.note] },
        items("progress", 1_000) { $0.progress?.count },
        text("progress[].handler", 256) { $0.progress?.map(\.handler) ?? [] },
        text("progress[].position", 256) { $0.progress?.map(\.position) ?? [] },
        text("progress[].department", 512) { $0.progress?.map(\.department) ?? [] },
        text("progress[].content", 4_000) { $0.progress?.map(\.content) ?? [] },
        items("documents", 1_000) { $0.documents?.count },
        text("documents[].name", 4_000) { $0.documents?.map(\.name) ?? [] },
        text("documents[].code", 64) { $0.documents?.map(\.code) ?? [] },
        text("documents[].url", 2_048) { $0.documents?.map(\.url) ?? [] },
        items("fees", 100) { $0.fees?.count },
        text("interconnect.dossierNumber", 64) { [$0.interconnect?.dossierNumber] },
        text("land.workflowName", 1_000) { [$0.land?.workflowName] },
        text("land.assetAddress", 1_000) { [$0.land?.assetAddress] },
        items("land.parcels", 1_000) { $0.land?.parcels?.count },
        text("applicant.accountId", 128) { [$0.applicant.accountId] },
        text("receivingOfficer", 128) { [$0.receivingOfficer] },
        items("connectedDatabases", 100) { $0.connectedDatabases?.count },
        text("connectedDatabases[]", 64) { $0.connectedDatabases ?? [] },
        text("documents[].fileName", 4_000) { $0.documents?.map(\.fileName) ?? [] },
        text("documents[].replacesResult", 64) { $0.documents?.map(\.replacesResult) ?? [] },
        items("resultDocuments", 1_000) { $0.resultDocuments?.count },
        text("resultDocuments[].name", 2_000) { $0.resultDocuments?.map(\.name) ?? [] },
        text("resultDocuments[].code", 64) { $0.resultDocuments?.map(\.code) ?? [] },
        text("resultDocuments[].id", 128) { $0.resultDocuments?.map(\.id) ?? [] },
        text("resultDocuments[].url", 2_048) { $0.resultDocuments?.map(\.url) ?? [] },
        text("resultDocuments[].resultCode", 64) { $0.resultDocuments?.map(\.resultCode) ?? [] },
        text("fees[].code", 64) { $0.fees?.map(\.code) ?? [] },
        text("civilStatus.registrationOffice", 64) { [$0.civilStatus?.registrationOffice] },
    ]

    /// Throws for the first field over its bound, naming it and its bound, never its value.
    static func check(_ data: DossierData) throws(InvalidEvent) {
        for bound in all {
            for size in bound.measure(data) where size > bound.limit {
                throw InvalidEvent("data.\(bound.path): more than \(bound.limit) \(bound.isArray ? "items" : "characters")")
            }
        }
    }
}
