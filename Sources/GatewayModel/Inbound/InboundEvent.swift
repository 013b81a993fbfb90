import Foundation

/// What a national system sent the province, published on the inbound topic
/// (`nationalsystems.inbound`) as a CloudEvents 1.0 JSON record keyed by the dossier code:
/// `Contracts/events/inbound-event.schema.json`.
///
/// Its `id` is the source's own identity of what it says (`hotich:<dossier>:<trangThai>`,
/// `bca:<portal id>`, `vbdlis:<call>:<dossier>:<digest>`), so the same thing always has the same
/// id, and the gateway publishes each id once.
public struct InboundEvent<Payload: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var specversion = "1.0"
    public var id: String
    /// `/gateway/hotich`, `/gateway/bca`, `/gateway/vbdlis`.
    public var source: String
    /// `vn.gov.hotich.registration.<state>`, `vn.gov.bca.dossier.interconnected`, `vn.gov.vbdlis.<call>`.
    public var type: String
    /// The dossier code.
    public var subject: String
    /// When the gateway learnt it, RFC 3339 in Vietnam time.
    public var time: String
    public var datacontenttype = "application/json"
    public var data: Payload

    public init(id: String, source: String, type: String, subject: String, time: String, data: Payload) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.data = data
    }
}

/// The civil registry's answer as the inbound topic carries it.
public typealias RegistryAnswerEvent = InboundEvent<RegistryAnswer>

/// Only the identity of an inbound record, whatever it carries: what a reader needs to know
/// whether something was published already.
public struct InboundEnvelope: Codable, Sendable {
    public var id: String
    public var type: String
    public var subject: String
}

/// What the civil registry says of a registration at one state of its life.
public struct RegistryAnswer: Codable, Sendable, Equatable {
    public static let typePrefix = "vn.gov.hotich.registration."
    public static let source = "/gateway/hotich"

    /// `maHoSoMCDT`: the one-stop dossier code.
    public var dossierCode: String
    /// `maHoSoLT`, for a registration that is part of an interconnected procedure.
    public var interconnectCode: String?
    /// `LTKS`, `LTKT` or `LTKH`.
    public var module: String
    /// `maDonVi`: the registration office.
    public var registrationOffice: String?
    /// `sent`, `supplement-needed`, `eligible`, `result-issued` or `refused`.
    public var state: String
    /// The registry's own number for the state: 1, 2, 3, 4 or 6.
    public var trangThai: Int
    /// `thoiGianThucHien` as the registry wrote it (`dd/MM/yyyy HH:mm:ss`).
    public var at: String?
    /// `ghiChu`, `noiDungXuLy`, `nguoiXuLy`, `chucDanh`, `phongBanXuLy`, `hanBoSungHoSo`, `errors`
    /// as the registry gave them, when it gave them.
    public var details: [String: JSONValue]
    /// With `result-issued`: the registry record and the certificate, in the shape of a dossier
    /// event's `interconnect.result`, so the one-stop can pass it to BCA's status 4 unchanged.
    public var result: DossierData.Interconnect.Result?

    public init(dossierCode: String, interconnectCode: String?, module: String, registrationOffice: String?, state: String, trangThai: Int, at: String?, details: [String: JSONValue], result: DossierData.Interconnect.Result?) {
        self.dossierCode = dossierCode
        self.interconnectCode = interconnectCode
        self.module = module
        self.registrationOffice = registrationOffice
        self.state = state
        self.trangThai = trangThai
        self.at = at
        self.details = details
        self.result = result
    }

    /// The id of the inbound event that says `trangThai` of `dossierCode`.
    public static func eventID(dossierCode: String, trangThai: Int) -> String {
        "hotich:\(dossierCode):\(trangThai)"
    }

    /// The dossier code and state an inbound event id names, if it is one of the registry's.
    public static func parse(eventID: String) -> (dossierCode: String, trangThai: Int)? {
        guard eventID.hasPrefix("hotich:"), let colon = eventID.lastIndex(of: ":"), let state = Int(eventID[eventID.index(after: colon)...]) else { return nil }
        let dossier = eventID[eventID.index(eventID.startIndex, offsetBy: "hotich:".count)..<colon]
        guard !dossier.isEmpty else { return nil }
        return (String(dossier), state)
    }
}

/// An interconnected dossier the BCA portal handed the province (filed by a citizen on the
/// national portal), as the inbound topic carries it once taken in.
public struct PortalDossier: Codable, Sendable, Equatable {
    public static let type = "vn.gov.bca.dossier.interconnected"
    public static let source = "/gateway/bca"

    /// The portal's own id.
    public var portalId: String
    /// `maHoSo`.
    public var dossierCode: String
    /// `LTKS` or `LTKT`.
    public var module: String?
    /// `maTTHC`.
    public var procedureCode: String?
    /// `maDonVi`.
    public var unitCode: String?
    /// `ngayTiepNhan` as the portal wrote it.
    public var receivedAt: String?
    /// The `<hoTich>` record, read from its XML: elements become fields, repeated ones lists.
    public var record: JSONValue
    /// `fileDinhKem` as the portal gave it (papers inline as base64).
    public var attachments: [JSONValue]
    /// Every other field of the detail, as given.
    public var details: [String: JSONValue]

    public init(portalId: String, dossierCode: String, module: String?, procedureCode: String?, unitCode: String?, receivedAt: String?, record: JSONValue, attachments: [JSONValue], details: [String: JSONValue]) {
        self.portalId = portalId
        self.dossierCode = dossierCode
        self.module = module
        self.procedureCode = procedureCode
        self.unitCode = unitCode
        self.receivedAt = receivedAt
        self.record = record
        self.attachments = attachments
        self.details = details
    }

    /// The id of the inbound event that carries the portal's dossier `portalId`.
    public static func eventID(portalId: String) -> String { "bca:\(portalId)" }
}
