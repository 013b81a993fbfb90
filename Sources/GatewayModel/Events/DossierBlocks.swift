import Foundation

/// The blocks of `DossierData` that only some national systems read: results, the
/// interconnected, land and civil-status blocks, fees.
extension DossierData {
    /// A result paper the dossier's handling issued.
    public struct ResultDocument: Codable, Sendable, Equatable {
        /// TenGiayTo.
        public var name: String
        /// MaThanhPhanHoSo.
        public var code: String?
        /// GiayToId.
        public var id: String?
        /// DuongDanTepTinKetQua: where the national system downloads it.
        public var url: String?
        /// MaGiayToKetQua.
        public var resultCode: String?

        public init(name: String, code: String? = nil, id: String? = nil, url: String? = nil, resultCode: String? = nil) {
            self.name = name
            self.code = code
            self.id = id
            self.url = url
            self.resultCode = resultCode
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
            /// The civil registry's record of the registration (`soDinhDanh`, `ngayDangKy`, `nks*`,
            /// `me*`, `cha*`, `nyc*` for a birth; `nkt*` for a death), in its own field names. Since 1.1.0.
            public var record: JSONValue?

            public init(identityNumber: String? = nil, registrationNumber: String? = nil, book: String? = nil, page: String? = nil, documentCode: String? = nil, certificateBase64: String? = nil, record: JSONValue? = nil) {
                self.record = record
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
        /// TinhId, HuyenId, XaId: VBDLIS's integer area ids (digits in a string are read as the number).
        public var provinceId: Int
        public var districtId: Int
        public var communeId: Int
        /// MaQuyTrinh, TenQuyTrinh.
        public var workflowCode: String
        public var workflowName: String
        /// DiaChiTaiSan; optional since 1.1.0 (real clients may send none).
        public var assetAddress: String?
        /// ThongTinThuaDat; optional since 1.1.0.
        public var parcels: [Parcel]?

        public init(provincialWorkflow: Bool, provinceId: Int, districtId: Int, communeId: Int, workflowCode: String, workflowName: String, assetAddress: String?, parcels: [Parcel]?) {
            self.provincialWorkflow = provincialWorkflow
            self.provinceId = provinceId
            self.districtId = districtId
            self.communeId = communeId
            self.workflowCode = workflowCode
            self.workflowName = workflowName
            self.assetAddress = assetAddress
            self.parcels = parcels
        }

        enum CodingKeys: String, CodingKey { case provincialWorkflow, provinceId, districtId, communeId, workflowCode, workflowName, assetAddress, parcels }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                provincialWorkflow: try c.decode(Bool.self, forKey: .provincialWorkflow),
                provinceId: try LenientNumber.integer(c, .provinceId),
                districtId: try LenientNumber.integer(c, .districtId),
                communeId: try LenientNumber.integer(c, .communeId),
                workflowCode: try c.decode(String.self, forKey: .workflowCode),
                workflowName: try c.decode(String.self, forKey: .workflowName),
                assetAddress: try c.decodeIfPresent(String.self, forKey: .assetAddress),
                parcels: try c.decodeIfPresent([Parcel].self, forKey: .parcels)
            )
        }

        public struct Parcel: Codable, Sendable, Equatable {
            /// SoThuTuThua, SoHieuBanDo, DiaChiChiTiet.
            public var number: String
            public var mapSheet: String
            /// DienTich in m², as the one-stop wrote it (VBDLIS takes it as text).
            public var area: String
            public var address: String

            public init(number: String, mapSheet: String, area: String, address: String) {
                self.number = number
                self.mapSheet = mapSheet
                self.area = area
                self.address = address
            }

            enum CodingKeys: String, CodingKey { case number, mapSheet, area, address }

            public init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                self.init(
                    number: try c.decode(String.self, forKey: .number),
                    mapSheet: try c.decode(String.self, forKey: .mapSheet),
                    area: try LenientNumber.text(c, .area),
                    address: try c.decode(String.self, forKey: .address)
                )
            }
        }
    }

    /// A civil-status registration as the civil registry receives it.
    public struct CivilStatus: Codable, Sendable, Equatable {
        /// The registry's module: `LTKS` birth, `LTKT` death, `LTKH` marriage. The codes of
        /// contract 1.0.0 (`KS`, `KT`, `KH`) are still read; see `registryModule`.
        public var module: String
        /// Mã hồ sơ liên thông, when the registration is part of an interconnected procedure.
        public var interconnectCode: String?
        /// The registration office's area code (`noiDangKy`), sent as `maDonVi`. Since 1.1.0.
        public var registrationOffice: String?
        /// The registry record, flat, in the registry's own field names.
        public var record: JSONValue

        public init(module: String, interconnectCode: String? = nil, registrationOffice: String? = nil, record: JSONValue) {
            self.module = module
            self.interconnectCode = interconnectCode
            self.registrationOffice = registrationOffice
            self.record = record
        }

        /// The module as the registry names it, whichever contract version the event follows;
        /// nil for a code it does not know.
        public var registryModule: String? {
            switch module {
            case "LTKS", "KS": "LTKS"
            case "LTKT", "KT": "LTKT"
            case "LTKH", "KH": "LTKH"
            default: nil
            }
        }
    }

    public struct Fee: Codable, Sendable, Equatable {
        /// TenPhiLePhi.
        public var name: String
        /// Gia, in đồng.
        public var amount: Int
        /// MaPhiLePhi, HinhThucThu, LoaiPhiLePhi, as the one-stop codes them. Since 1.1.0.
        public var code: String?
        public var collection: String?
        public var kind: String?

        public init(name: String, amount: Int, code: String? = nil, collection: String? = nil, kind: String? = nil) {
            self.name = name
            self.amount = amount
            self.code = code
            self.collection = collection
            self.kind = kind
        }
    }
}

/// Numbers one-stop systems write sometimes as JSON numbers, sometimes as digits in a string.
enum LenientNumber {
    static func integer<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int {
        if let number = try? container.decode(Int.self, forKey: key) { return number }
        if let text = try? container.decode(String.self, forKey: key), let number = Int(text) { return number }
        throw DecodingError.typeMismatch(Int.self, .init(codingPath: container.codingPath + [key], debugDescription: "an integer"))
    }

    static func text<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> String {
        if let text = try? container.decode(String.self, forKey: key) { return text }
        if let number = try? container.decode(Decimal.self, forKey: key) { return "\(number)" }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: container.codingPath + [key], debugDescription: "a number or a string"))
    }
}
