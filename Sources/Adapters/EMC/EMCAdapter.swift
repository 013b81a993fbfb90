import AdapterSupport
import Foundation
import GatewayCore
import Logging

/// The digital-government monitoring system (Hệ thống giám sát, đo lường; EMC).
///
/// One operation, `TrackingMCDT`, on every status transition. No auth: the configured
/// `SiteId` identifies the sender, and only the HTTP status of the answer counts.
public struct EMCAdapter: TargetAdapter {
    public static let target: TargetName = "emc"
    public static let tracking = "TrackingMCDT"

    public var target: TargetName { Self.target }
    public var operations: Set<String> { [Self.tracking] }

    private let configuration: EMCConfiguration
    private let call: JSONCall

    public init(configuration: EMCConfiguration, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(transport: transport, classification: classification, fields: .none, timeout: .milliseconds(configuration.timeoutMilliseconds))
    }

    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        guard operation == Self.tracking else {
            return OperationAnswer(verdict: .permanent, excerpt: "unknown EMC operation \(operation)", errorClass: "unknown-operation", scope: .local)
        }
        let body = EMCMapping.tracking(event, configuration: configuration)
        return await call.post(body, to: configuration.baseURL + configuration.trackingPath, operation: operation, idempotencyKey: idempotencyKey)
    }

    public func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {}
}

/// How to reach EMC and how this province is known to it.
public struct EMCConfiguration: Codable, Sendable {
    public var baseURL: String
    public var trackingPath: String
    /// The sender's identity at EMC.
    public var siteId: String
    /// Province code sent as the user's `LOCATION`.
    public var provinceCode: String
    public var timeoutMilliseconds: Int

    public init(baseURL: String, trackingPath: String = "/TrackingMCDT", siteId: String, provinceCode: String, timeoutMilliseconds: Int = 10_000) {
        self.baseURL = baseURL
        self.trackingPath = trackingPath
        self.siteId = siteId
        self.provinceCode = provinceCode
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// The body of `TrackingMCDT`.
struct EMCTracking: Codable, Equatable {
    var CodeProfile: String
    var SiteId: String
    var CodeTTHC: String
    var NameTTHC: String
    var MaHoSo: String
    var Status: Int
    var FormsReception: Int
    var FormsPayments: Int
    var Level: Int
    var IsFromDVCQG: Int
    var IsDVCBC: Int
    /// The transition, as a JSON string.
    var Data: String
    /// `{ID_local, ID_QG, TYPE, LOCATION}` as a JSON string.
    var User: String
}

enum EMCMapping {
    /// EMC's `Status`: 0 other, 1 received, 2 being processed, 3 result returned.
    static func status(_ type: DossierEventType) -> Int {
        switch type {
        case .submitted, .received: 1
        case .progressed, .supplementRequested, .feeRequested, .suspended, .resolved: 2
        case .resultReturned: 3
        case .rejected, .withdrawn: 0
        }
    }

    struct User: Encodable {
        var ID_local: String
        var ID_QG: String
        var TYPE: Int
        var LOCATION: String
    }

    struct Transition: Encodable {
        var event: String
        var time: String
        var agency: String
    }

    static func tracking(_ event: DossierEvent, configuration: EMCConfiguration) -> EMCTracking {
        let data = event.data
        let online = data.channel == .online
        let user = User(
            ID_local: data.applicant.identityNumber ?? "",
            ID_QG: data.vneidVerified == true ? (data.applicant.identityNumber ?? "") : "",
            TYPE: data.applicant.kind == .citizen ? 1 : 2,
            LOCATION: configuration.provinceCode
        )
        return EMCTracking(
            CodeProfile: data.dossierCode,
            SiteId: configuration.siteId,
            CodeTTHC: data.procedure.code,
            NameTTHC: data.procedure.name,
            MaHoSo: data.dossierCode,
            Status: status(event.type),
            FormsReception: online ? 1 : 2,
            FormsPayments: data.paidOnline == true ? 1 : (data.fees?.isEmpty == false ? 2 : 0),
            Level: min(max(data.procedure.level ?? 3, 3), 4),
            IsFromDVCQG: 0,
            IsDVCBC: data.channel == .postal ? 1 : 0,
            Data: EmbeddedJSON.string(Transition(event: event.type.shortName, time: VietnamTime.compact(event.time), agency: data.agencyCode)),
            User: EmbeddedJSON.string(user)
        )
    }
}

/// EMC as the runtime builds it.
public enum EMCModule: AdapterModule {
    public static let target = EMCAdapter.target
    public static let operations = [EMCAdapter.tracking]
    public static var defaultConnection: JSONValue {
        .object([
            "trackingPath": .string("/TrackingMCDT"),
            "timeoutMilliseconds": .number(10_000),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        EMCAdapter(configuration: try decodeConnection(EMCConfiguration.self, from: connection), classification: context.classification, transport: context.transport)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(EMCConfiguration.self, from: connection)
        return [.skipped(EMCAdapter.tracking, "EMC has no read-only call: every TrackingMCDT is recorded as monitoring data (\(configuration.baseURL + configuration.trackingPath))")]
    }
}
