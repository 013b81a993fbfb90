import Foundation
import GatewayModel

/// Realistic dossier traffic for the demo and tests: dossiers across several procedures,
/// each living through a plausible sequence of events, interleaved across dossiers but
/// always in order within one dossier. The same seed gives the same traffic.
package struct SampleTraffic: Sendable {
    package struct Procedure: Sendable {
        package let code: String
        package let name: String
        package let field: DossierData.Field
        package let module: String?
        package let level: Int
    }

    package static let procedures: [Procedure] = [
        Procedure(code: "2.000986", name: "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", field: .init(code: "HT", name: "Hộ tịch"), module: "LTKS", level: 4),
        Procedure(code: "1.011733", name: "Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất", field: .init(code: "HT", name: "Hộ tịch"), module: "LTKT", level: 4),
        Procedure(code: "1.000894", name: "Đăng ký kết hôn", field: .init(code: "HT", name: "Hộ tịch"), module: nil, level: 3),
        Procedure(code: "1.004227", name: "Đăng ký biến động quyền sử dụng đất", field: .init(code: "DD", name: "Đất đai"), module: nil, level: 3),
        Procedure(code: "1.001612", name: "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", field: .init(code: "DD", name: "Đất đai"), module: nil, level: 3),
        Procedure(code: "2.001263", name: "Đăng ký thành lập doanh nghiệp tư nhân", field: .init(code: "DN", name: "Thành lập và hoạt động doanh nghiệp"), module: nil, level: 4),
        Procedure(code: "1.009994", name: "Cấp giấy phép xây dựng nhà ở riêng lẻ", field: .init(code: "XD", name: "Hoạt động xây dựng"), module: nil, level: 3),
    ]

    static let agencies = [
        ("000.00.12.H13", "Sở Tư pháp thành phố Cần Thơ"),
        ("000.00.15.H13", "Sở Tài nguyên và Môi trường thành phố Cần Thơ"),
        ("000.31.12.H13", "UBND phường Ninh Kiều"),
        ("000.34.12.H13", "UBND phường Cái Khế"),
    ]
    static let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
    static let middles = ["Văn", "Thị", "Minh", "Ngọc", "Hoàng", "Thanh"]
    static let givens = ["An", "Bình", "Châu", "Dũng", "Hạnh", "Khoa", "Lan", "Phúc", "Thảo", "Tuấn", "Yến"]
    static let lifecycles: [[DossierEventType]] = [
        [.received, .progressed, .progressed, .resolved, .resultReturned],
        [.received, .progressed, .supplementRequested, .progressed, .resolved, .resultReturned],
        [.submitted, .received, .feeRequested, .progressed, .resolved, .resultReturned],
        [.submitted, .rejected],
        [.received, .progressed, .withdrawn],
        [.received, .progressed, .suspended],
    ]

    private let seed: UInt64
    private let start: Date
    /// Interconnected civil-status dossiers (birth, death) stop before their result: the one-stop
    /// issues it only once the civil registry's answer comes back (`answer(to:template:)`).
    package let awaitsRegistry: Bool

    package init(seed: UInt64 = 2025, start: Date = Date(timeIntervalSince1970: 1_752_192_000), awaitsRegistry: Bool = false) {
        self.seed = seed
        self.start = start
        self.awaitsRegistry = awaitsRegistry
    }

    /// Whether a dossier's result waits for the civil registry's answer.
    package func awaitsRegistry(_ data: DossierData) -> Bool {
        awaitsRegistry && data.interconnect != nil && data.civilStatus != nil
    }

    /// What the one-stop publishes when the civil registry answers a registration of `template`:
    /// with the result issued, the dossier resolved with the registry's result (which BCA's
    /// status 4 carries) and the result returned, forwarded first if it was not yet (BCA takes
    /// status 4 only after 7); refused, the dossier rejected; otherwise nothing.
    package func answer(to answer: RegistryAnswer, template: DossierData, forwarded: Bool, at time: Date = Date()) -> [DossierEvent] {
        func event(_ type: DossierEventType, _ data: DossierData, at time: Date) -> DossierEvent {
            DossierEvent(id: "answer-\(data.dossierCode)-\(type.shortName)", source: "/motcua/can-tho", type: type, time: time, data: data)
        }
        var data = template
        switch answer.state {
        case "result-issued":
            var events: [DossierEvent] = []
            if !forwarded {
                data.progress = [.init(handler: "Cán bộ tư pháp - hộ tịch", position: "Công chức", department: "Bộ phận tư pháp",
                                       content: "Chuyển đăng ký hộ tịch", at: time.addingTimeInterval(-60), startedAt: time.addingTimeInterval(-60), dueAt: time.addingTimeInterval(86_400))]
                events.append(event(.progressed, data, at: time.addingTimeInterval(-60)))
            }
            data.finishedAt = time
            data.interconnect?.result = answer.result
            let resolved = event(.resolved, data, at: time)
            data.returnedAt = time.addingTimeInterval(60)
            return events + [resolved, event(.resultReturned, data, at: time.addingTimeInterval(60))]
        case "refused":
            data.rejectedAt = time
            return [event(.rejected, data, at: time)]
        default:
            return []
        }
    }

    /// `count` events, interleaved across dossiers.
    package func events(count: Int) -> [DossierEvent] {
        var stream = self.stream()
        return (0..<count).map { _ in stream.next()! }
    }

    /// The same events as `events(count:)`, made one at a time for as long as they are asked for.
    package func stream() -> EventStream { EventStream(traffic: self) }

    /// An endless run of events, interleaved across dossiers.
    package struct EventStream: IteratorProtocol {
        private let traffic: SampleTraffic
        private var random: SplitMix64
        private var active: [(code: String, remaining: [DossierEventType], template: DossierData, clock: Date)] = []
        private var produced = 0
        private var dossierNumber = 0

        init(traffic: SampleTraffic) {
            self.traffic = traffic
            self.random = SplitMix64(seed: traffic.seed)
        }

        package mutating func next() -> DossierEvent? {
            if active.count < 24 || random.next(below: 4) == 0 {
                dossierNumber += 1
                var lifecycle = SampleTraffic.lifecycles[random.next(below: SampleTraffic.lifecycles.count)]
                var data = traffic.makeDossier(number: dossierNumber, random: &random)
                if traffic.awaitsRegistry(data) { lifecycle = Array(lifecycle.prefix { $0 != .resolved }) }
                // Online dossiers are submitted before the one-stop receives them.
                data.channel = lifecycle.first == .submitted ? .online : (random.next(below: 5) == 0 ? .postal : .inPerson)
                data.vneidVerified = data.channel == .online
                data.paidOnline = data.channel == .online
                active.append((data.dossierCode, lifecycle, data, traffic.start.addingTimeInterval(Double(dossierNumber) * 37)))
            }
            let index = random.next(below: active.count)
            let type = active[index].remaining.removeFirst()
            active[index].clock.addTimeInterval(Double(600 + random.next(below: 7200)))
            let event = traffic.makeEvent(type, data: active[index].template, at: active[index].clock, sequence: produced, random: &random)
            produced += 1
            if active[index].remaining.isEmpty { active.remove(at: index) }
            return event
        }
    }

    fileprivate func makeDossier(number: Int, random: inout SplitMix64) -> DossierData {
        let procedure = Self.procedures[random.next(below: Self.procedures.count)]
        let agency = Self.agencies[random.next(below: Self.agencies.count)]
        let code = "\(agency.0)-250711-\(String(format: "%05d", number))"
        let name = [Self.families, Self.middles, Self.givens].map { $0[random.next(below: $0.count)] }.joined(separator: " ")
        let identity = String(format: "0%02d%09d", 92, random.next(below: 1_000_000_000))
        var data = DossierData(
            dossierCode: code, agencyCode: agency.0, receiptNumber: "BN-\(number)",
            procedure: .init(code: procedure.code, name: procedure.name, level: procedure.level, interconnectModule: procedure.module),
            field: procedure.field,
            channel: .inPerson,
            applicant: .init(kind: procedure.field.code == "DN" ? .enterprise : .citizen, fullName: name, identityType: .cccd, identityNumber: identity,
                             address: "\(random.next(below: 300) + 1) đường 30 Tháng 4, Ninh Kiều, Cần Thơ", phone: "09\(random.next(below: 100_000_000))", email: nil)
        )
        data.agencyName = agency.1
        data.applicant.accountId = "cd-\(number)"
        data.receivingOfficer = "motcua.canbo\(number % 7 + 1)"
        data.summary = "\(procedure.name) cho \(name)"
        data.civilStatus = Self.civilStatus(procedure, dossier: code, applicant: name, identity: identity)
        data.interconnect = procedure.module.map { .init(dossierNumber: "\($0)-\(code)") }
        data.land = Self.land(procedure, number: number)
        if data.land != nil {
            data.documents = [.init(name: "Đơn đăng ký đất đai", code: "TP01", contentBase64: Data("%PDF-1.4 don \(code)".utf8).base64EncodedString(), originals: 1, copies: 0, id: number * 10)]
        } else if data.civilStatus != nil {
            data.documents = [
                .init(name: "Tờ khai đăng ký hộ tịch", code: "TP01", url: "https://motcua.cantho.gov.vn/files/\(code)/tokhai.pdf",
                      contentBase64: Data("%PDF-1.4 tokhai \(code)".utf8).base64EncodedString(), id: number * 10, fileName: "tokhai.pdf", kind: 1, deleted: false),
            ]
        }
        data.digitised = true
        return data
    }

    /// What VBDLIS needs for the land procedures, derived without randomness.
    static func land(_ procedure: Procedure, number: Int) -> DossierData.Land? {
        guard procedure.field.code == "DD" else { return nil }
        return .init(
            provincialWorkflow: procedure.code == "1.001612", provinceId: 92, districtId: 916, communeId: 31_117 + number % 9,
            workflowCode: "QT-\(procedure.code)", workflowName: procedure.name, assetAddress: "Thửa \(number % 400 + 1), tờ bản đồ \(number % 30 + 1), Ninh Kiều",
            parcels: [.init(number: String(number % 400 + 1), mapSheet: String(number % 30 + 1), area: String(80 + number % 300) + ".5", address: "Ninh Kiều, Cần Thơ")]
        )
    }

    /// What the civil registry needs for the civil-status procedures, derived without randomness:
    /// the flat registry record, dates `dd.MM.yyyy`, addresses as area codes and a detail line.
    static func civilStatus(_ procedure: Procedure, dossier: String, applicant: String, identity: String) -> DossierData.CivilStatus? {
        guard procedure.field.code == "HT" else { return nil }
        let interconnect = procedure.module.map { "\($0)-\(dossier)" }
        let address = JSONValue.object(["maTinh": .string("92"), "maHuyen": .string("916"), "maXa": .string("31117"), "dcChiTiet": .string("Khu vực 3, phường Ninh Kiều")])
        let family = String(applicant.split(separator: " ").first ?? "")
        switch procedure.module {
        case "LTKS":
            return .init(module: "LTKS", interconnectCode: interconnect, registrationOffice: "31117", record: .object([
                "nksHoTen": .string("\(family) Minh An"), "nksGioiTinh": .number(1), "nksNgaySinh": .string("01.07.2025"),
                "nksNoiSinh": address, "nksQuocTich": .string("VN"),
                "meHoTen": .string(applicant), "meSoDinhDanh": .string(identity), "meNoiCuTru": address,
                "nycHoTen": .string(applicant), "nycSoDinhDanh": .string(identity), "ngayDangKy": .string("11.07.2025"),
            ]))
        case "LTKT":
            return .init(module: "LTKT", interconnectCode: interconnect, registrationOffice: "31117", record: .object([
                "nktHoTen": .string(applicant), "nktSoDinhDanh": .string(identity), "nktNgayChet": .string("05.07.2025"),
                "nktNoiChet": address, "nktNguyenNhan": .string("Bệnh"),
                "nycHoTen": .string("\(family) Văn Bình"), "ngayDangKy": .string("11.07.2025"),
            ]))
        default:
            return .init(module: "LTKH", registrationOffice: "31117", record: .object([
                "chongHoTen": .string(applicant), "chongSoDinhDanh": .string(identity), "chongNoiCuTru": address,
                "voHoTen": .string("\(family) Thị Lan"), "voNgaySinh": .string("02.03.1998"), "ngayDangKy": .string("11.07.2025"),
            ]))
        }
    }

    fileprivate func makeEvent(_ type: DossierEventType, data template: DossierData, at time: Date, sequence: Int, random: inout SplitMix64) -> DossierEvent {
        var data = template
        data.submittedAt = start
        data.receivedAt = time
        data.appointmentAt = time.addingTimeInterval(5 * 86_400)
        switch type {
        case .progressed:
            let rows = 1 + random.next(below: 12)
            data.progress = (0..<rows).map { step in
                .init(handler: "Cán bộ \(Self.givens[step % Self.givens.count])", position: "Chuyên viên", department: "Bộ phận một cửa",
                      content: "Xử lý bước \(step + 1)", at: time.addingTimeInterval(Double(step * 60)), startedAt: time, dueAt: time.addingTimeInterval(3 * 86_400))
            }
        case .rejected: data.rejectedAt = time
        case .resolved:
            data.finishedAt = time
            if let interconnect = data.interconnect {
                let identity = String(format: "0922%08d", sequence)
                var record: [String: JSONValue] = ["soDinhDanh": .string(identity), "ngayDangKy": .string("11.07.2025")]
                if case .object(let registered)? = data.civilStatus?.record { record.merge(registered) { $1 } }
                data.interconnect?.result = .init(
                    identityNumber: identity, registrationNumber: "\(sequence)/2025", book: "01/2025", page: String(sequence % 500 + 1),
                    documentCode: "\(interconnect.dossierNumber)-KQ", certificateBase64: Data("%PDF-1.4 \(data.dossierCode)".utf8).base64EncodedString(),
                    record: .object(record)
                )
            }
        case .resultReturned:
            data.finishedAt = time.addingTimeInterval(-3600)
            data.returnedAt = time
            data.resultDocuments = [.init(name: "Kết quả giải quyết \(data.procedure.name)", code: "KQ01", id: "KQ-\(sequence)",
                                          url: "https://motcua.cantho.gov.vn/files/\(data.dossierCode)/ketqua.pdf", resultCode: "KQ-\(data.dossierCode)")]
        case .feeRequested: data.fees = [.init(name: "Lệ phí", amount: 50_000, code: "LP01", collection: "1", kind: "1")]
        default: break
        }
        let id = String(format: "evt-%016llx-%06d", seed, sequence)
        return DossierEvent(id: id, source: "/motcua/can-tho", type: type, time: time, data: data)
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
