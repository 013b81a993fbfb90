import Foundation

/// One step in a dossier's life, as the one-stop system publishes it on `dossier.events`:
/// a CloudEvents 1.0 JSON envelope keyed by the dossier code (MaHoSo).
public struct DossierEvent: Codable, Sendable, Equatable {
    public var specversion: String
    public var id: String
    public var source: String
    public var type: DossierEventType
    /// The dossier code (MaHoSo); equal to `data.dossierCode`.
    public var subject: String
    public var time: Date
    public var datacontenttype: String?
    public var data: DossierData

    public init(id: String, source: String, type: DossierEventType, time: Date, data: DossierData) {
        self.specversion = "1.0"
        self.id = id
        self.source = source
        self.type = type
        self.subject = data.dossierCode
        self.time = time
        self.datacontenttype = "application/json"
        self.data = data
    }

    public var dossierCode: String { data.dossierCode }
}

/// The kinds of dossier events, named after the step they record.
public enum DossierEventType: String, Codable, Sendable, CaseIterable {
    case submitted = "vn.gov.motcua.dossier.submitted"
    case received = "vn.gov.motcua.dossier.received"
    case rejected = "vn.gov.motcua.dossier.rejected"
    case progressed = "vn.gov.motcua.dossier.progressed"
    case supplementRequested = "vn.gov.motcua.dossier.supplement-requested"
    case feeRequested = "vn.gov.motcua.dossier.fee-requested"
    case withdrawn = "vn.gov.motcua.dossier.withdrawn"
    case suspended = "vn.gov.motcua.dossier.suspended"
    case resolved = "vn.gov.motcua.dossier.resolved"
    case resultReturned = "vn.gov.motcua.dossier.result-returned"
    /// The one-stop found the result a national system returned to be wrong, and says so
    /// (VBDLIS's `phanhoihososaiketqua`). Since contract 1.1.0.
    case resultDisputed = "vn.gov.motcua.dossier.result-disputed"

    /// The short name used in routing tables and summaries, e.g. `received`.
    public var shortName: String { String(rawValue.dropFirst("vn.gov.motcua.dossier.".count)) }

    public init?(shortName: String) {
        self.init(rawValue: "vn.gov.motcua.dossier." + shortName)
    }

    /// The dossier status code the national systems share (`TrangThaiHoSo`): 1 newly registered,
    /// 2 received, 3 not received, 4 being processed, 5 supplement requested, 6 financial
    /// obligation, 7 withdrawn, 8 stopped, 9 processed, 10 result returned.
    public var trangThaiHoSo: Int {
        switch self {
        case .submitted: 1
        case .received: 2
        case .rejected: 3
        case .progressed: 4
        case .supplementRequested: 5
        case .feeRequested: 6
        case .withdrawn: 7
        case .suspended: 8
        case .resolved: 9
        case .resultReturned, .resultDisputed: 10
        }
    }
}

/// What the national systems need to know about a dossier at this step.
public struct DossierData: Codable, Sendable, Equatable {
    /// MaHoSo, starting with the receiving agency's identifier.
    public var dossierCode: String
    /// Mã định danh of the agency handling the dossier (madonvi).
    public var agencyCode: String
    public var agencyName: String?
    /// SoBienNhan.
    public var receiptNumber: String?
    public var procedure: Procedure
    public var field: Field
    public var channel: Channel
    public var applicant: Applicant
    /// TrichYeuHoSo.
    public var summary: String?
    public var submittedAt: Date?
    public var receivedAt: Date?
    public var appointmentAt: Date?
    public var finishedAt: Date?
    public var returnedAt: Date?
    public var rejectedAt: Date?
    public var paidOnline: Bool?
    public var digitised: Bool?
    public var vneidVerified: Bool?
    /// Filed through the National Public Service Portal rather than the province's own. Since 1.1.0.
    public var fromNationalPortal: Bool?
    /// The user name of the officer who received the dossier at the one-stop (VBDLIS's
    /// `NguoiTiepNhan`). Since 1.1.0.
    public var receivingOfficer: String?
    /// The national databases the dossier was checked against (DVCQG's `DSKetNoiCSDL`, `MaCSDL`). Since 1.1.0.
    public var connectedDatabases: [String]?
    public var note: String?
    /// Processing steps recorded since the previous event (progress rows).
    public var progress: [ProgressStep]?
    public var documents: [Document]?
    /// The result papers issued (DVCQG's `DanhSachGiayToKetQua`). Since 1.1.0.
    public var resultDocuments: [ResultDocument]?
    public var fees: [Fee]?
    /// For civil-status procedures: what the civil registry needs.
    public var civilStatus: CivilStatus?
    /// For interconnected procedures (`LTKS`, `LTKT`): what the BCA portal needs.
    public var interconnect: Interconnect?
    /// For land procedures: what VBDLIS needs.
    public var land: Land?

    public init(
        dossierCode: String, agencyCode: String, receiptNumber: String? = nil,
        procedure: Procedure, field: Field, channel: Channel, applicant: Applicant
    ) {
        self.dossierCode = dossierCode
        self.agencyCode = agencyCode
        self.receiptNumber = receiptNumber
        self.procedure = procedure
        self.field = field
        self.channel = channel
        self.applicant = applicant
    }

    public struct Procedure: Codable, Sendable, Equatable {
        /// Mã TTHC.
        public var code: String
        public var name: String
        /// Service level, 2–4.
        public var level: Int?
        /// Liên thông module: `LTKS` (birth) or `LTKT` (death), when interconnected.
        public var interconnectModule: String?

        public init(code: String, name: String, level: Int? = nil, interconnectModule: String? = nil) {
            self.code = code
            self.name = name
            self.level = level
            self.interconnectModule = interconnectModule
        }
    }

    public struct Field: Codable, Sendable, Equatable {
        /// Mã lĩnh vực.
        public var code: String
        public var name: String

        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    /// How the dossier was filed. A value the gateway does not know yet decodes as `other`
    /// rather than refusing the event: no route depends on it.
    public enum Channel: String, Codable, Sendable {
        case inPerson = "in-person"
        case online
        case postal
        case other

        public init(from decoder: any Decoder) throws {
            self = Channel(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .other
        }
    }

    public struct Applicant: Codable, Sendable, Equatable {
        /// Who applies. A value the gateway does not know yet decodes as `other`.
        public enum Kind: String, Codable, Sendable {
            case citizen, enterprise, agency, organisation, other

            public init(from decoder: any Decoder) throws {
                self = Kind(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .other
            }
        }

        public enum IdentityType: String, Codable, Sendable {
            /// 12-digit citizen identity card number.
            case cccd
            /// 9-digit legacy identity card number.
            case cmnd
        }

        public var kind: Kind
        /// The applicant's account at the one-stop (EMC's `ID_local`). Since 1.1.0.
        public var accountId: String?
        public var fullName: String
        public var identityType: IdentityType?
        public var identityNumber: String?
        public var address: String?
        public var phone: String?
        public var email: String?

        public init(kind: Kind, fullName: String, identityType: IdentityType? = nil, identityNumber: String? = nil, address: String? = nil, phone: String? = nil, email: String? = nil) {
            self.kind = kind
            self.fullName = fullName
            self.identityType = identityType
            self.identityNumber = identityNumber
            self.address = address
            self.phone = phone
            self.email = email
        }
    }

    public struct ProgressStep: Codable, Sendable, Equatable {
        public var handler: String
        public var position: String?
        public var department: String?
        public var content: String
        public var at: Date
        public var startedAt: Date?
        public var dueAt: Date?

        public init(handler: String, position: String? = nil, department: String? = nil, content: String, at: Date, startedAt: Date? = nil, dueAt: Date? = nil) {
            self.handler = handler
            self.position = position
            self.department = department
            self.content = content
            self.at = at
            self.startedAt = startedAt
            self.dueAt = dueAt
        }
    }

    public struct Document: Codable, Sendable, Equatable {
        /// The paper's name (TenGiayTo).
        public var name: String
        /// MaThanhPhanHoSo: the procedure's component this paper is.
        public var code: String?
        public var url: String?
        /// The file itself, base64, for systems that take attachments inline (VBDLIS, the civil registry).
        public var contentBase64: String?
        /// Originals and copies handed in.
        public var originals: Int?
        public var copies: Int?
        /// The one-stop's id of the file (TepDinhKemId; the civil registry's `id`). Since 1.1.0.
        public var id: Int?
        /// The file's own name, when it differs from the paper's (TenTepDinhKem). Since 1.1.0.
        public var fileName: String?
        /// The civil registry's paper type (`loaiGiayTo`). Since 1.1.0.
        public var kind: Int?
        /// Withdrawn or cancelled: sent flagged to DVCQG (`IsDeleted`), left out for the civil registry. Since 1.1.0.
        public var deleted: Bool?
        /// DuocSoHoa, DuocTaiSuDung, DuocLayTuKhoDMQG: digitised, reused from an earlier result,
        /// taken from the national document store. Since 1.1.0.
        public var digitised: Bool?
        public var reused: Bool?
        public var fromNationalStore: Bool?
        /// MaKetQuaThayThe: the earlier result this paper stands in for. Since 1.1.0.
        public var replacesResult: String?

        public init(
            name: String, code: String? = nil, url: String? = nil, contentBase64: String? = nil, originals: Int? = nil, copies: Int? = nil,
            id: Int? = nil, fileName: String? = nil, kind: Int? = nil, deleted: Bool? = nil
        ) {
            self.name = name
            self.code = code
            self.url = url
            self.contentBase64 = contentBase64
            self.originals = originals
            self.copies = copies
            self.id = id
            self.fileName = fileName
            self.kind = kind
            self.deleted = deleted
        }
    }
}

extension DossierEvent {
    /// The personal texts this event carries (names, identity numbers, addresses, phones, emails,
    /// and the civil-status record's sensitive values), so that text echoing them can be masked.
    public var personalTexts: [String] {
        let applicant = data.applicant
        var texts = [applicant.fullName, applicant.identityNumber, applicant.address, applicant.phone, applicant.email].compactMap { $0 }
        if let record = data.civilStatus?.record { Self.collectSensitive(record, under: false, into: &texts) }
        return texts.filter { !$0.isEmpty }
    }

    private static func collectSensitive(_ value: JSONValue, under sensitive: Bool, into texts: inout [String]) {
        switch value {
        case .string(let text) where sensitive: texts.append(text)
        case .array(let items): for item in items { collectSensitive(item, under: sensitive, into: &texts) }
        case .object(let members):
            for (name, member) in members { collectSensitive(member, under: sensitive || Redaction.isSensitiveName(name.utf8), into: &texts) }
        default: break
        }
    }
}
