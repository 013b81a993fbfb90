import AdapterSupport
import Foundation
import GatewayModel

enum HoTichMapping {
    /// Why an event cannot be sent as a registration.
    struct Refusal: Error {
        let detail: String
    }

    static func registration(_ event: DossierEvent, configuration: HoTichConfiguration) -> Result<HoTichRegistration, Refusal> {
        let data = event.data
        guard let civil = data.civilStatus else {
            return .failure(Refusal(detail: "the event carries no civilStatus block; the civil registry needs one"))
        }
        guard let module = civil.registryModule else {
            return .failure(Refusal(detail: "data.civilStatus.module is not a registry module (LTKS, LTKT, LTKH)"))
        }
        guard let office = civil.registrationOffice ?? configuration.unitCode else {
            return .failure(Refusal(detail: "the civil registry needs the registration office's area code: data.civilStatus.registrationOffice, or targets.hotich.connection.unitCode"))
        }
        return .success(HoTichRegistration(
            maDonVi: office,
            module: module,
            maHoSoLT: Nullable(civil.interconnectCode),
            maHoSoMCDT: data.dossierCode,
            ngayTiepNhan: VietnamTime.slashed(data.receivedAt ?? data.submittedAt ?? event.time),
            data: EmbeddedJSON.string(record(civil.record)),
            fileDinhKem: attachments(data.documents)
        ))
    }

    /// The record flat (a 1.0.0 `{"hoTich": {…}}` is unwrapped), with its dates `dd.MM.yyyy`.
    static func record(_ record: JSONValue) -> JSONValue {
        var flat = record
        if case .object(let members) = record, members.count == 1, let inner = members["hoTich"], case .object = inner { flat = inner }
        return dotted(flat, under: nil)
    }

    /// Rewrites `dd/MM/yyyy` and `yyyy-MM-dd` values of date fields (`ngay…`, `…Ngay…`) as `dd.MM.yyyy`.
    private static func dotted(_ value: JSONValue, under name: String?) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.reduce(into: [:]) { $0[$1.key] = dotted($1.value, under: $1.key) })
        case .array(let items):
            return .array(items.map { dotted($0, under: name) })
        case .string(let text) where name.map({ $0.lowercased().contains("ngay") }) == true:
            return .string(dottedDate(text) ?? text)
        default:
            return value
        }
    }

    static func dottedDate(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        if parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2, text.contains("-") {
            return "\(pad(parts[2])).\(pad(parts[1])).\(parts[0])"
        }
        if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2, text.contains("/") {
            return "\(pad(parts[0])).\(pad(parts[1])).\(parts[2])"
        }
        return nil
    }

    private static func pad(_ part: String) -> String { part.count == 1 ? "0" + part : part }

    /// The papers the registry takes: with their bytes, not withdrawn.
    static func attachments(_ documents: [DossierData.Document]?) -> [HoTichRegistration.Attachment] {
        (documents ?? []).compactMap { document in
            guard document.deleted != true, let content = document.contentBase64 else { return nil }
            return .init(
                id: document.id ?? 0, loaiGiayTo: document.kind ?? 0, tenGiayTo: document.name,
                tenTepDinhKem: document.fileName ?? document.name, huyGiayTo: 0, duLieuTepDinhKem: content
            )
        }
    }
}
