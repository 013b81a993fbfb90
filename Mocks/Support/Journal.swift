import Foundation

/// One request a mock received and how it answered.
public struct JournalEntry: Codable, Sendable, Equatable {
    public var sequence: Int
    public var receivedAt: Date
    public var method: String
    public var path: String
    /// The system's operation name (`DongBoHoSoMC`, `login`, …).
    public var operation: String
    /// Dossier codes the request was about, in body order.
    public var dossiers: [String]
    /// Per dossier, the status it reported (such as `TrangThaiHoSo`), when the operation carries one.
    public var statuses: [String]
    public var idempotencyKey: String?
    public var status: Int
    public var answerCode: String?
    /// True when the request met the contract and was processed.
    public var accepted: Bool
    /// Why the request was refused or failed: a contract violation or an injected fault.
    public var rejection: String?
    /// A repeat of an idempotency key already processed: answered as before, not applied again.
    public var absorbed: Bool
    public var body: String

    public init(sequence: Int = 0, receivedAt: Date = Date(), method: String, path: String, operation: String, dossiers: [String] = [], statuses: [String] = [], idempotencyKey: String? = nil, status: Int = 200, answerCode: String? = nil, accepted: Bool = false, rejection: String? = nil, absorbed: Bool = false, body: String) {
        self.sequence = sequence
        self.receivedAt = receivedAt
        self.method = method
        self.path = path
        self.operation = operation
        self.dossiers = dossiers
        self.statuses = statuses
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.answerCode = answerCode
        self.accepted = accepted
        self.rejection = rejection
        self.absorbed = absorbed
        self.body = body
    }
}

/// The mock's record of everything it received, readable over its control API.
public actor Journal {
    private var entries: [JournalEntry] = []
    private var nextSequence = 1

    public init() {}

    public func append(_ entry: JournalEntry) {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence += 1
        entries.append(entry)
    }

    public func all() -> [JournalEntry] { entries }
    public var count: Int { entries.count }
    /// Requests that were applied (accepted and not an absorbed repeat).
    public var applied: Int { entries.reduce(0) { $0 + ($1.accepted && !$1.absorbed ? 1 : 0) } }

    public func clear() { entries.removeAll() }
}

/// Answers already given, by idempotency key, so that a repeated request is absorbed:
/// answered the same way without being applied twice.
public actor IdempotencyStore {
    public struct Answer: Sendable {
        public let status: Int
        public let code: String?
        public let body: [UInt8]

        public init(status: Int, code: String?, body: [UInt8]) {
            self.status = status
            self.code = code
            self.body = body
        }
    }

    private var answers: [String: Answer] = [:]

    public init() {}

    public func answer(for key: String) -> Answer? { answers[key] }

    public func remember(_ answer: Answer, for key: String) { answers[key] = answer }
}

/// A fault to inject into the next matching calls.
public struct FaultPlan: Codable, Sendable, Equatable {
    /// Answer with this HTTP status instead of processing.
    public var status: Int?
    /// The answer body to send with `status`.
    public var body: String?
    /// Sent with 429 or 503 as `Retry-After`, in seconds.
    public var retryAfterSeconds: Int?
    /// Wait this long before answering (or before processing, without `status`).
    public var latencyMilliseconds: Int?
    /// Close the connection without a complete answer.
    public var dropConnection: Bool?
    /// How many calls this applies to.
    public var count: Int
    /// Only calls of this operation; all when absent.
    public var operation: String?

    public init(status: Int? = nil, body: String? = nil, retryAfterSeconds: Int? = nil, latencyMilliseconds: Int? = nil, dropConnection: Bool? = nil, count: Int = 1, operation: String? = nil) {
        self.status = status
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
        self.latencyMilliseconds = latencyMilliseconds
        self.dropConnection = dropConnection
        self.count = count
        self.operation = operation
    }
}

/// Faults waiting to be applied, first planned first used.
public actor FaultInjector {
    private var plans: [FaultPlan] = []

    public init() {}

    public func add(_ plan: FaultPlan) {
        guard plan.count > 0 else { return }
        plans.append(plan)
    }

    public func clear() { plans.removeAll() }

    /// The fault for this call, if one is planned; uses up one of its count.
    public func take(operation: String) -> FaultPlan? {
        guard let index = plans.firstIndex(where: { $0.operation == nil || $0.operation == operation }) else { return nil }
        let plan = plans[index]
        if plan.count <= 1 {
            plans.remove(at: index)
        } else {
            plans[index].count -= 1
        }
        return plan
    }
}
