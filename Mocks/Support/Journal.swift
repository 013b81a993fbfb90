import Foundation

/// One request a mock received and how it answered.
package struct JournalEntry: Codable, Sendable, Equatable {
    package var sequence: Int
    package var receivedAt: Date
    package var method: String
    package var path: String
    /// The system's operation name (`DongBoHoSoMC`, `login`, …).
    package var operation: String
    /// Dossier codes the request was about, in body order.
    package var dossiers: [String]
    /// Per dossier, the status it reported (such as `TrangThaiHoSo`), when the operation carries one.
    package var statuses: [String]
    package var idempotencyKey: String?
    package var status: Int
    package var answerCode: String?
    /// True when the request met the contract and was processed.
    package var accepted: Bool
    /// Why the request was refused or failed: a contract violation or an injected fault.
    package var rejection: String?
    /// A repeat of an idempotency key already processed: answered as before, not applied again.
    package var absorbed: Bool
    /// The W3C `traceparent` the request carried.
    package var traceparent: String?
    package var body: String

    package init(sequence: Int = 0, receivedAt: Date = Date(), method: String, path: String, operation: String, dossiers: [String] = [], statuses: [String] = [], idempotencyKey: String? = nil, status: Int = 200, answerCode: String? = nil, accepted: Bool = false, rejection: String? = nil, absorbed: Bool = false, traceparent: String? = nil, body: String) {
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
        self.traceparent = traceparent
        self.body = body
    }
}

/// The mock's record of everything it received, readable over its control API.
package actor Journal {
    private var entries: [JournalEntry] = []
    private var nextSequence = 1

    package init() {}

    package func append(_ entry: JournalEntry) {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence += 1
        entries.append(entry)
    }

    package func all() -> [JournalEntry] { entries }
    package var count: Int { entries.count }
    /// Requests that were applied (accepted and not an absorbed repeat).
    package var applied: Int { entries.reduce(0) { $0 + ($1.accepted && !$1.absorbed ? 1 : 0) } }

    package func clear() { entries.removeAll() }
}

/// Answers already given, by idempotency key, so that a repeated request is absorbed:
/// answered the same way without being applied twice. A repeat that arrives while the first is
/// still being processed (a client that timed out and tried again) waits for its answer.
package actor IdempotencyStore {
    package struct Answer: Sendable {
        package let status: Int
        package let code: String?
        package let body: [UInt8]

        package init(status: Int, code: String?, body: [UInt8]) {
            self.status = status
            self.code = code
            self.body = body
        }
    }

    private var answers: [String: Answer] = [:]
    /// Keys whose first request is being processed, with the repeats waiting on it.
    private var processing: [String: [CheckedContinuation<Void, Never>]] = [:]

    package init() {}

    /// The answer already given for `key`, or nil: the caller then processes the request and
    /// must call `finish(_:with:)`. While another request with the key is being processed,
    /// this waits for it to finish first.
    package func claim(_ key: String) async -> Answer? {
        while processing[key] != nil {
            await withCheckedContinuation { processing[key, default: []].append($0) }
        }
        if let answer = answers[key] { return answer }
        processing[key] = []
        return nil
    }

    /// Ends the processing of `key`'s request: an accepted answer is kept for the repeats.
    package func finish(_ key: String, with answer: Answer?) {
        if let answer { answers[key] = answer }
        for waiting in processing.removeValue(forKey: key) ?? [] { waiting.resume() }
    }
}

/// A fault to inject into the next matching calls.
package struct FaultPlan: Codable, Sendable, Equatable {
    /// Answer with this HTTP status instead of processing.
    package var status: Int?
    /// The answer body to send with `status`.
    package var body: String?
    /// Sent with 429 or 503 as `Retry-After`, in seconds.
    package var retryAfterSeconds: Int?
    /// Wait this long before answering (or before processing, without `status`).
    package var latencyMilliseconds: Int?
    /// Close the connection without a complete answer.
    package var dropConnection: Bool?
    /// How many calls this applies to.
    package var count: Int
    /// Only calls of this operation; all when absent.
    package var operation: String?
    /// Process the call first, then answer with the fault: the system applied it, the caller
    /// never learns so (an answer lost on the way back).
    package var afterProcessing: Bool?

    package init(status: Int? = nil, body: String? = nil, retryAfterSeconds: Int? = nil, latencyMilliseconds: Int? = nil, dropConnection: Bool? = nil, count: Int = 1, operation: String? = nil, afterProcessing: Bool? = nil) {
        self.afterProcessing = afterProcessing
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
package actor FaultInjector {
    private var plans: [FaultPlan] = []

    package init() {}

    package func add(_ plan: FaultPlan) {
        guard plan.count > 0 else { return }
        plans.append(plan)
    }

    package func clear() { plans.removeAll() }

    /// The fault for this call, if one is planned; uses up one of its count.
    package func take(operation: String) -> FaultPlan? {
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
