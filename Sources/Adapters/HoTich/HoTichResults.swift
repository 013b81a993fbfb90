import AdapterSupport
import Foundation
import GatewayModel

/// Where a registration stands at the civil registry (`trangThai` of the result poll).
package enum RegistryState: Int, Sendable, CaseIterable {
    case sent = 1
    case supplementNeeded = 2
    case eligible = 3
    case resultIssued = 4
    case refused = 6

    /// The name the inbound topic uses (`result-issued`).
    package var name: String {
        switch self {
        case .sent: "sent"
        case .supplementNeeded: "supplement-needed"
        case .eligible: "eligible"
        case .resultIssued: "result-issued"
        case .refused: "refused"
        }
    }

    /// Nothing follows a final state: the registration is no longer watched.
    package var isFinal: Bool { self == .resultIssued || self == .refused }
}

/// One row of the result poll: a registration, the state it is in, and the row as the registry wrote it.
package struct RegistryResult: Sendable, Equatable {
    /// `maHoSoMCDT`: the one-stop dossier code.
    package var dossierCode: String
    package var state: RegistryState
    package var row: [String: JSONValue]
}

/// What one poll call brought back.
package struct RegistryPollAnswer: Sendable, Equatable {
    package var results: [RegistryResult]
    /// Rows without a dossier code or with a state the facts do not name, masked, for the log.
    package var unreadable: [String]
}

/// Why a poll call brought nothing back; the text is masked.
package struct RegistryPollFailure: Error, Sendable, CustomStringConvertible {
    package var description: String
    /// The registry refused the bearer token: the next poll signs in again.
    package var isAuthentication: Bool
}

/// The civil registry's result poll (`KetQuaDKHT` in the contract): up to three dossier codes of one
/// module a call, answered with each registration's state and, once issued, the registry
/// record and the certificate in `ketQuaXuLy`.
package struct HoTichResultPoller: Sendable {
    package static let maxCodesPerCall = 3

    private let url: String
    private let provinceCode: String
    private let timeout: Duration
    private let headers: [(name: String, value: String)]
    private let bearer: OptionalBearer
    private let transport: any HTTPTransport

    package init(configuration: HoTichConfiguration, resultPath: String, provinceCode: String, tokenRequest: ClientCredentials?, headers: [(name: String, value: String)], transport: any HTTPTransport) {
        self.url = configuration.baseURL + resultPath
        self.provinceCode = provinceCode
        self.timeout = .milliseconds(configuration.timeoutMilliseconds)
        self.headers = headers
        self.bearer = OptionalBearer(tokenRequest, transport: transport)
        self.transport = transport
    }

    /// Asks where `codes` (at most three, one module) stand.
    package func poll(_ codes: [String], module: String) async -> Result<RegistryPollAnswer, RegistryPollFailure> {
        precondition((1...Self.maxCodesPerCall).contains(codes.count), "the registry takes one to three codes a call")
        let started = ContinuousClock.now
        let authorization: [(name: String, value: String)]
        do {
            authorization = try await bearer.headers()
        } catch {
            return .failure(RegistryPollFailure(description: "sign-in refused: \(error.answer.excerpt)", isAuthentication: true))
        }
        let body = HoTichResultPoll(maDinhDanhHoSo: codes, maTinh: provinceCode, module: module)
        let request = OutboundRequest(
            url: url, headers: [("Content-Type", "application/json")] + headers + authorization,
            body: Array(try! JSONEncoder().encode(body)), timeout: timeout
        )
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(RegistryPollFailure(description: Redaction.mask(error.detail), isAuthentication: false))
        }
        if response.status == 401 {
            await bearer.invalidate(usedSince: started)
            return .failure(RegistryPollFailure(description: "HTTP 401: \(Redaction.excerpt(response.body))", isAuthentication: true))
        }
        guard (200..<300).contains(response.status) else {
            return .failure(RegistryPollFailure(description: "HTTP \(response.status): \(Redaction.excerpt(response.body))", isAuthentication: false))
        }
        return Self.read(response.body)
    }

    /// Reads an answer `{status, statusDescription, value: [row]}`; `status` and `trangThai` may be numbers or text.
    static func read(_ body: [UInt8]) -> Result<RegistryPollAnswer, RegistryPollFailure> {
        guard case .object(let answer)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            return .failure(RegistryPollFailure(description: "the answer is not a JSON object: \(Redaction.excerpt(body))", isAuthentication: false))
        }
        guard answer["status"]?.wholeNumber == 1 else {
            let said = answer["statusDescription"]?.text ?? "no statusDescription"
            return .failure(RegistryPollFailure(description: "status \(answer["status"]?.text ?? "missing"): \(Redaction.mask(said))", isAuthentication: false))
        }
        var polled = RegistryPollAnswer(results: [], unreadable: [])
        guard case .array(let rows)? = answer["value"] else { return .success(polled) }
        for row in rows {
            guard case .object(let fields) = row, let dossier = fields["maHoSoMCDT"]?.text, !dossier.isEmpty,
                  let number = fields["trangThai"]?.wholeNumber, let state = RegistryState(rawValue: number) else {
                polled.unreadable.append(Redaction.mask(Self.compact(row)))
                continue
            }
            polled.results.append(RegistryResult(dossierCode: dossier, state: state, row: fields))
        }
        return .success(polled)
    }

    private static func compact(_ value: JSONValue) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self).prefix(300).description
    }
}

extension HoTichSystem {
    /// The result poller of the configured registry, or nil when no `resultPath` is configured.
    /// - Throws: `ConfigurationError` when the poll has no `provinceCode` to send as `maTinh`.
    package static func makeResultPoller(connection: JSONValue, context: AdapterContext) throws -> HoTichResultPoller? {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        guard let resultPath = configuration.resultPath else { return nil }
        guard let province = configuration.provinceCode, province.count == 2, province.allSatisfy(\.isNumber) else {
            throw ConfigurationError("targets.hotich.connection.provinceCode (two digits, maTinh) is required by the result poll; set resultPath to null to poll nothing")
        }
        return HoTichResultPoller(
            configuration: configuration, resultPath: resultPath, provinceCode: province, tokenRequest: try tokenRequest(configuration, context),
            headers: try configuration.headers.resolve(environment: context.environment), transport: context.transport
        )
    }

    /// The registry module a dossier event is registered under, if it is one the registry knows.
    package static func module(of event: DossierEvent) -> String? {
        event.data.civilStatus?.registryModule
    }
}

extension RegistryResult {
    static let detailFields = ["ghiChu", "noiDungXuLy", "nguoiXuLy", "chucDanh", "phongBanXuLy", "hanBoSungHoSo", "errors"]

    /// The row as the inbound topic carries it. `module` and `interconnectCode` are what the
    /// registration was sent with, used where the row leaves them out.
    package func answer(module: String, interconnectCode: String?) -> RegistryAnswer {
        var details: [String: JSONValue] = [:]
        for field in Self.detailFields {
            guard let value = row[field], value != .null else { continue }
            details[field] = value
        }
        return RegistryAnswer(
            dossierCode: dossierCode, interconnectCode: row["maHoSoLT"]?.text ?? interconnectCode, module: row["module"]?.text ?? module,
            registrationOffice: row["maDonVi"]?.text, state: state.name, trangThai: state.rawValue, at: row["thoiGianThucHien"]?.text,
            details: details, result: state == .resultIssued ? Self.result(from: row["ketQuaXuLy"]) : nil
        )
    }

    /// `ketQuaXuLy` (an object, or the same as a JSON string): the registry record, its numbers
    /// and the certificate (`giayKhaiSinh` for a birth, `giayKhaiTu` for a death).
    static func result(from value: JSONValue?) -> DossierData.Interconnect.Result? {
        var record: [String: JSONValue]
        switch value {
        case .object(let object)?: record = object
        case .string(let text)?:
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
            record = object
        default: return nil
        }
        let certificate = record.removeValue(forKey: "giayKhaiSinh")?.text ?? record.removeValue(forKey: "giayKhaiTu")?.text
        return DossierData.Interconnect.Result(
            identityNumber: record["soDinhDanh"]?.text, registrationNumber: record["soDangKy"]?.text, book: record["quyenSo"]?.text,
            page: record["trangSo"]?.text, documentCode: record["maGiayToKetQua"]?.text, certificateBase64: certificate, record: .object(record)
        )
    }
}
