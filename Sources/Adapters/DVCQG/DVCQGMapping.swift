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

    /// `isUpdating` as real clients write it.
    static func isUpdating(_ update: Bool) -> String { update ? "True" : "False" }

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

    /// Cuts texts to DVCQG's lengths and remembers what it cut.
    struct Limiter {
        private(set) var truncations: [Truncation] = []

        mutating func fit(_ text: String, _ limit: Int, _ field: String) -> String {
            guard text.count > limit else { return text }
            truncations.append(Truncation(field: field, length: text.count, limit: limit))
            return String(text.prefix(limit))
        }

        mutating func fit(_ text: String?, _ limit: Int, _ field: String) -> String? {
            text.map { fit($0, limit, field) }
        }
    }

    static func date(_ value: Date?) -> String { value.map(VietnamTime.compact) ?? "" }
    static func flag(_ value: Bool?) -> String? { value.map { $0 ? "1" : "0" } }

    static func hoSo(_ event: DossierEvent, limiter: inout Limiter) -> HoSo {
        let data = event.data
        var identities: [HoSo.DinhDanh]?
        if let number = data.applicant.identityNumber, let type = data.applicant.identityType {
            identities = [HoSo.DinhDanh(LoaiDinhDanh: type == .cccd ? "1" : "2", SoDinhDanh: number)]
        }
        let documents = data.documents.map { documents in
            documents.map { document in
                HoSo.TaiLieu(
                    TepDinhKemId: document.id.map(String.init), TenTepDinhKem: limiter.fit(document.fileName ?? document.name, 4_000, "TaiLieuNop.TenTepDinhKem"),
                    IsDeleted: document.deleted == true ? "1" : "0", MaThanhPhanHoSo: document.code, DuongDanTaiTepTin: document.url,
                    DuocSoHoa: flag(document.digitised), DuocTaiSuDung: flag(document.reused), DuocLayTuKhoDMQG: flag(document.fromNationalStore),
                    MaKetQuaThayThe: document.replacesResult
                )
            }
        }
        let results = data.resultDocuments.map { results in
            results.map { result in
                HoSo.GiayToKetQua(
                    TenGiayTo: limiter.fit(result.name, 2_000, "DanhSachGiayToKetQua.TenGiayTo"), MaThanhPhanHoSo: result.code,
                    GiayToId: result.id, DuongDanTepTinKetQua: result.url, MaGiayToKetQua: result.resultCode
                )
            }
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
            MaDoiTuong: data.channel == .online ? data.applicant.identityNumber : nil,
            Email: data.applicant.email,
            SoDienThoai: data.applicant.phone,
            TrichYeuHoSo: limiter.fit(data.summary, 1_000, "TrichYeuHoSo"),
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
            SoGiayToChuHoSo: data.applicant.identityNumber,
            DinhDanhCHS: identities,
            DSKetNoiCSDL: data.connectedDatabases.map { $0.map(HoSo.KetNoiCSDL.init(MaCSDL:)) },
            TaiLieuNop: documents,
            DanhSachLePhi: data.fees.map { $0.map { HoSo.LePhi(TenPhiLePhi: $0.name, MaPhiLePhi: $0.code, HinhThucThu: $0.collection, Gia: String($0.amount), LoaiPhiLePhi: $0.kind) } },
            DanhSachGiayToKetQua: results
        )
    }

    static func tienDo(_ event: DossierEvent, limiter: inout Limiter) -> [TienDo] {
        let status = String(event.type.trangThaiHoSo)
        return (event.data.progress ?? []).map { step in
            TienDo(
                MaHoSo: event.dossierCode,
                NguoiXuLy: limiter.fit(step.handler, 50, "NguoiXuLy"),
                ChucDanh: step.position,
                ThoiDiemXuLy: VietnamTime.compact(step.at),
                PhongBanXuLy: step.department,
                NoiDungXuLy: step.content,
                TrangThai: status,
                NgayBatDau: date(step.startedAt),
                NgayKetThucTheoQuyDinh: date(step.dueAt)
            )
        }
    }
}
