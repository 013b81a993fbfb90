import Foundation

/// A national system's answer, published on the inbound topic (`nationalsystems.inbound`) as a
/// CloudEvents 1.0 JSON record keyed by the dossier code: `Contracts/events/inbound-event.schema.json`.
///
/// Its `id` is the source's own identity of what it says (`hotich:<dossier>:<trangThai>`), so the
/// same answer always has the same id, and the gateway publishes each id once.
public struct InboundEvent: Codable, Sendable, Equatable {
    public var specversion = "1.0"
    public var id: String
    /// `/gateway/hotich`.
    public var source: String
    /// `vn.gov.hotich.registration.<state>`.
    public var type: String
    /// The dossier code.
    public var subject: String
    /// When the gateway learnt it, RFC 3339 in Vietnam time.
    public var time: String
    public var datacontenttype = "application/json"
    public var data: RegistryAnswer

    public init(id: String, source: String, type: String, subject: String, time: String, data: RegistryAnswer) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.data = data
    }
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
