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

    /// The short name used in routing tables and summaries, e.g. `received`.
    public var shortName: String { String(rawValue.dropFirst("vn.gov.motcua.dossier.".count)) }

    public init?(shortName: String) {
        self.init(rawValue: "vn.gov.motcua.dossier." + shortName)
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
    public var note: String?
    /// Processing steps recorded since the previous event (progress rows).
    public var progress: [ProgressStep]?
    public var documents: [Document]?
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
        public var name: String
        public var code: String?
        public var url: String?
        /// The file itself, base64, for systems that take attachments inline (VBDLIS).
        public var contentBase64: String?
        /// Originals and copies handed in.
        public var originals: Int?
        public var copies: Int?

        public init(name: String, code: String? = nil, url: String? = nil, contentBase64: String? = nil, originals: Int? = nil, copies: Int? = nil) {
            self.name = name
            self.code = code
            self.url = url
            self.contentBase64 = contentBase64
            self.originals = originals
            self.copies = copies
        }
    }

    /// An interconnected dossier as the BCA portal knows it.
    public struct Interconnect: Codable, Sendable, Equatable {
        /// soHoSoLT: the interconnected dossier number.
        public var dossierNumber: String
        /// The registration's result, once there is one (ketQuaXuLy).
        public var result: Result?

        public init(dossierNumber: String, result: Result? = nil) {
            self.dossierNumber = dossierNumber
            self.result = result
        }

        public struct Result: Codable, Sendable, Equatable {
            /// soDinhDanh: the personal identification number issued.
            public var identityNumber: String?
            /// soDangKy, quyenSo, trangSo.
            public var registrationNumber: String?
            public var book: String?
            public var page: String?
            /// maGiayToKetQua.
            public var documentCode: String?
            /// The certificate, base64.
            public var certificateBase64: String?

            public init(identityNumber: String? = nil, registrationNumber: String? = nil, book: String? = nil, page: String? = nil, documentCode: String? = nil, certificateBase64: String? = nil) {
                self.identityNumber = identityNumber
                self.registrationNumber = registrationNumber
                self.book = book
                self.page = page
                self.documentCode = documentCode
                self.certificateBase64 = certificateBase64
            }
        }
    }

    /// A land dossier as VBDLIS receives it.
    public struct Land: Codable, Sendable, Equatable {
        /// LaQuyTrinhCapTinh: handled by the province rather than the district.
        public var provincialWorkflow: Bool
        public var provinceId: String
        public var districtId: String
        public var communeId: String
        /// MaQuyTrinh, TenQuyTrinh.
        public var workflowCode: String
        public var workflowName: String
        /// DiaChiTaiSan.
        public var assetAddress: String
        public var parcels: [Parcel]

        public init(provincialWorkflow: Bool, provinceId: String, districtId: String, communeId: String, workflowCode: String, workflowName: String, assetAddress: String, parcels: [Parcel]) {
            self.provincialWorkflow = provincialWorkflow
            self.provinceId = provinceId
            self.districtId = districtId
            self.communeId = communeId
            self.workflowCode = workflowCode
            self.workflowName = workflowName
            self.assetAddress = assetAddress
            self.parcels = parcels
        }

        public struct Parcel: Codable, Sendable, Equatable {
            /// SoThuTuThua, SoHieuBanDo, DienTich (m²), DiaChiChiTiet.
            public var number: String
            public var mapSheet: String
            public var area: Double
            public var address: String

            public init(number: String, mapSheet: String, area: Double, address: String) {
                self.number = number
                self.mapSheet = mapSheet
                self.area = area
                self.address = address
            }
        }
    }

    /// A civil-status registration as the civil registry receives it.
    public struct CivilStatus: Codable, Sendable, Equatable {
        /// The registry's module code for the kind of registration (e.g. `KS` birth, `KT` death, `TLHT` extract copy).
        public var module: String
        /// Mã hồ sơ liên thông, when the registration is part of an interconnected procedure.
        public var interconnectCode: String?
        /// The `hoTich` object, in the registry's own field names.
        public var record: JSONValue

        public init(module: String, interconnectCode: String? = nil, record: JSONValue) {
            self.module = module
            self.interconnectCode = interconnectCode
            self.record = record
        }
    }

    public struct Fee: Codable, Sendable, Equatable {
        public var name: String
        public var amount: Int

        public init(name: String, amount: Int) {
            self.name = name
            self.amount = amount
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
