import AdapterSupport
import Foundation
import GatewayModel

/// Our events in VBDLIS's terms. Nothing the event lacks is invented: it is sent as `null`.
enum VBDLISMapping {
    /// `SoBienNhan`: the dossier code, as real clients send it.
    static func receipt(_ event: DossierEvent) -> String { event.dossierCode }

    static func date(_ value: Date?) -> Nullable<String> { Nullable(value.map(VietnamTime.isoLocal)) }

    static func attachments(_ documents: [DossierData.Document]?) -> [Attachment] {
        (documents ?? []).compactMap { document in
            guard document.deleted != true, let content = document.contentBase64 else { return nil }
            return Attachment(TenGiayTo: document.name, SoBanChinh: document.originals ?? 1, SoBanSao: document.copies ?? 0, TapTin: File(name: document.fileName ?? document.name, data: content))
        }
    }

    static func handOver(_ event: DossierEvent) -> HandOver? {
        let data = event.data
        guard let land = data.land else { return nil }
        let applicant = data.applicant
        return HandOver(
            LaQuyTrinhCapTinh: land.provincialWorkflow, TinhId: land.provinceId, HuyenId: land.districtId, XaId: land.communeId,
            SoBienNhan: receipt(event), MaHoSoMotCua: .some(data.dossierCode),
            NguoiTiepNhan: Nullable(data.receivingOfficer),
            NgayTiepNhan: VietnamTime.isoLocal(data.receivedAt ?? event.time),
            NgayHenTra: date(data.appointmentAt),
            DiaChiTaiSan: Nullable(land.assetAddress),
            ThongTinNguoiNopDon: Applicant(
                HoTen: applicant.fullName, SoChungMinh: Nullable(applicant.identityNumber), DiaChiChiTiet: Nullable(applicant.address),
                SoDienThoai: Nullable(applicant.phone), Email: Nullable(applicant.email)
            ),
            ThongTinQuyTrinh: Workflow(MaQuyTrinh: land.workflowCode, TenQuyTrinh: land.workflowName),
            ThongTinThuaDat: Nullable(land.parcels.map { $0.map { Parcel(SoThuTuThua: $0.number, SoHieuBanDo: $0.mapSheet, DienTich: $0.area, DiaChiChiTiet: $0.address) } }),
            DanhSachGiayToDinhKem: attachments(data.documents)
        )
    }

    static func supplement(_ event: DossierEvent) -> Supplement {
        let rows = attachments(event.data.documents)
        return Supplement(
            SoBienNhan: receipt(event), NgayHenTraMoi: date(event.data.appointmentAt),
            GhiChu: event.data.note ?? "", DanhSachGiayToBoSung: rows.isEmpty ? .null : .some(rows)
        )
    }

    static func returnResult(_ event: DossierEvent) -> ReturnResult {
        ReturnResult(SoBienNhan: receipt(event), NgayTra: VietnamTime.isoLocal(event.data.returnedAt ?? event.time))
    }

    /// Nil when the event says nothing about what is wrong.
    static func disputeResult(_ event: DossierEvent) -> DisputeResult? {
        guard let note = event.data.note, !note.isEmpty else { return nil }
        let rows = attachments(event.data.documents)
        return DisputeResult(SoBienNhan: receipt(event), NoiDung: note, DanhSachGiayToDinhKem: rows.isEmpty ? .null : .some(rows))
    }
}
