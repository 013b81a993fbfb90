import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// Our events in VBDLIS's terms.
enum VBDLISMapping {
    static func receipt(_ event: DossierEvent) -> String { event.data.receiptNumber ?? event.dossierCode }

    static func handOver(_ event: DossierEvent) -> HandOver? {
        let data = event.data
        guard let land = data.land else { return nil }
        let received = data.receivedAt ?? event.time
        return HandOver(
            LaQuyTrinhCapTinh: land.provincialWorkflow, TinhId: land.provinceId, HuyenId: land.districtId, XaId: land.communeId,
            SoBienNhan: receipt(event), MaHoSoMotCua: data.dossierCode,
            NguoiTiepNhan: data.progress?.first?.handler ?? "Bộ phận một cửa",
            NgayTiepNhan: VietnamTime.slashed(received),
            NgayHenTra: VietnamTime.slashed(data.appointmentAt ?? received),
            DiaChiTaiSan: land.assetAddress,
            ThongTinNguoiNopDon: Applicant(
                HoTen: data.applicant.fullName, SoChungMinh: data.applicant.identityNumber ?? "", DiaChiChiTiet: data.applicant.address ?? "",
                SoDienThoai: data.applicant.phone ?? "", Email: data.applicant.email ?? ""
            ),
            ThongTinQuyTrinh: Workflow(MaQuyTrinh: land.workflowCode, TenQuyTrinh: land.workflowName),
            ThongTinThuaDat: land.parcels.map { Parcel(SoThuTuThua: $0.number, SoHieuBanDo: $0.mapSheet, DienTich: $0.area, DiaChiChiTiet: $0.address) },
            DanhSachGiayToDinhKem: (data.documents ?? []).compactMap { document in
                document.contentBase64.map {
                    Attachment(TenGiayTo: document.name, SoBanChinh: document.originals ?? 1, SoBanSao: document.copies ?? 0, TapTin: File(name: document.name, data: $0))
                }
            }
        )
    }

    static func supplement(_ event: DossierEvent) -> Supplement {
        Supplement(
            SoBienNhan: receipt(event), NgayHenTraMoi: VietnamTime.slashed(event.data.appointmentAt ?? event.time),
            GhiChu: event.data.note ?? "Yêu cầu bổ sung hồ sơ", DanhSachGiayToBoSung: (event.data.documents ?? []).map(\.name)
        )
    }

    static func returnResult(_ event: DossierEvent) -> ReturnResult {
        ReturnResult(SoBienNhan: receipt(event), NgayTra: VietnamTime.slashed(event.data.returnedAt ?? event.time))
    }
}
