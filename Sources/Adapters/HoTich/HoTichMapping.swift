import AdapterSupport
import Foundation
import GatewayModel
import Logging

enum HoTichMapping {
    static func registration(_ event: DossierEvent, configuration: HoTichConfiguration) -> HoTichRegistration? {
        let data = event.data
        guard let civil = data.civilStatus else { return nil }
        return HoTichRegistration(
            maDonVi: configuration.unitCode ?? data.agencyCode,
            module: civil.module,
            maHoSoLT: civil.interconnectCode,
            maHoSoMCDT: data.dossierCode,
            ngayTiepNhan: VietnamTime.slashed(data.receivedAt ?? data.submittedAt ?? event.time),
            data: EmbeddedJSON.string(JSONValue.object(["hoTich": civil.record])),
            fileDinhKem: (data.documents ?? []).map { .init(tenTep: $0.name, duongDan: $0.url) }
        )
    }
}
