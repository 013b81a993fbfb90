import Foundation
import GatewayModel

/// Our events in DVCQG's terms.
enum DVCQGMapping {
    /// Whether this event first makes the dossier known to DVCQG (an insert) rather than
    /// updating it: an online dossier is first synced when submitted, any other when the
    /// one-stop receives or refuses it.
    static func isFirstSync(_ event: DossierEvent) -> Bool {
        switch event.type {
        case .submitted: true
        case .received, .rejected: event.data.channel != .online
        default: false
        }
    }

    /// A channel the gateway does not know yet is sent as filed in person, the portal's default.
    static func kenhThucHien(_ channel: DossierData.Channel) -> String {
        switch channel {
        case .inPerson, .other: "1"
        case .online: "2"
        case .postal: "3"
        }
    }

    /// An applicant kind the gateway does not know yet is sent as another organisation.
    static func loaiDoiTuong(_ kind: DossierData.Applicant.Kind) -> String {
        switch kind {
        case .citizen: "1"
        case .enterprise: "2"
        case .agency: "3"
        case .organisation, .other: "4"
        }
    }

    static func hoSo(_ event: DossierEvent) -> HoSo {
        let data = event.data
        let date = { (value: Date?) in value.map(VietnamTime.compact) }
        let flag = { (value: Bool?) in value.map { $0 ? "1" : "0" } }
        var identities: [HoSo.DinhDanh]?
        if let number = data.applicant.identityNumber, let type = data.applicant.identityType {
            identities = [HoSo.DinhDanh(LoaiDinhDanh: type == .cccd ? "1" : "2", SoDinhDanh: number)]
        }
        return HoSo(
            MaHoSo: data.dossierCode,
            MaTTHC: data.procedure.code,
            TenTTHC: data.procedure.name,
            MaLinhVuc: data.field.code,
            TenLinhVuc: data.field.name,
            KenhThucHien: kenhThucHien(data.channel),
            SoBienNhan: data.receiptNumber,
            ChuHoSo: data.applicant.fullName,
            LoaiDoiTuong: loaiDoiTuong(data.applicant.kind),
            MaDoiTuong: data.applicant.identityNumber,
            Email: data.applicant.email,
            SoDienThoai: data.applicant.phone,
            TrichYeuHoSo: data.summary,
            NgayTiepNhan: date(data.receivedAt),
            NgayHenTra: date(data.appointmentAt),
            TrangThaiHoSo: String(event.type.trangThaiHoSo),
            NgayTra: date(data.returnedAt),
            NgayKetThucXuLy: date(data.finishedAt),
            NgayTuChoi: date(data.rejectedAt),
            NgayNopHoSo: date(data.submittedAt),
            DonViXuLy: data.agencyName,
            GhiChu: data.note,
            NoiNopHoSo: data.channel == .online ? "2" : "1",
            HoSoCoThanhPhanSoHoa: flag(data.digitised),
            TaiKhoanDuocXacThucVoiVNeID: flag(data.vneidVerified),
            DuocThanhToanTrucTuyen: flag(data.paidOnline),
            DinhDanhCHS: identities,
            TaiLieuNop: data.documents.map { $0.map { HoSo.TaiLieu(TenTepDinhKem: $0.name, MaThanhPhanHoSo: $0.code, DuongDanTaiTepTin: $0.url) } },
            DanhSachLePhi: data.fees.map { $0.map { HoSo.LePhi(TenPhiLePhi: $0.name, MucPhi: String($0.amount)) } }
        )
    }

    static func tienDo(_ event: DossierEvent) -> [TienDo] {
        let status = String(event.type.trangThaiHoSo)
        return (event.data.progress ?? []).map { step in
            TienDo(
                MaHoSo: event.dossierCode,
                NguoiXuLy: String(step.handler.prefix(50)),
                ChucDanh: step.position,
                ThoiDiemXuLy: VietnamTime.compact(step.at),
                PhongBanXuLy: step.department,
                NoiDungXuLy: step.content,
                TrangThai: status,
                NgayBatDau: step.startedAt.map(VietnamTime.compact),
                NgayKetThucTheoQuyDinh: step.dueAt.map(VietnamTime.compact)
            )
        }
    }
}
