import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging

/// Sends a replay plan's dead letters to the events topic at a capped rate, then follows the
/// running gateway's result records until each has its outcome. A dossier that parked more
/// events while the replay ran is replayed again, up to a few passes, so it ends released.
/// Killing it at any moment loses nothing: what was sent is delivered in turn, and running it
/// again sends only what is still held back.
package struct ReplayRun: Sendable {
    package enum Progress: Sendable {
        /// Nothing printed while it runs (for `--json`).
        case silent
        /// One line per outcome, for logs and pipes.
        case lines
        /// A progress bar with counts and ETA, redrawn in place on a terminal.
        case bar
    }

    /// What became of one dead letter sent again.
    package struct ItemOutcome: Encodable, Sendable, Equatable {
        package var deadLetterId: String
        package var dossierCode: String
        package var target: String
        package var eventId: String
        /// A result record's outcome (`delivered`, `duplicate`, `dead-lettered`, `not-replayed`), or `no-answer`.
        package var outcome: String
        package var reason: String?

        package var delivered: Bool { outcome == DeliveryOutcome.Status.delivered.rawValue || outcome == DeliveryOutcome.Status.duplicate.rawValue }

        /// Not sent, and nothing is wrong: another copy of the replay delivered it, or its
        /// dossier was released meanwhile (by the end of that other replay, or by an operator).
        package var settled: Bool {
            outcome == DeliveryOutcome.Status.notReplayed.rawValue
                && [ReplayRefusal.alreadyThrough.rawValue, ReplayRefusal.notParked.rawValue].contains(reason ?? "")
        }

        package var succeeded: Bool { delivered || settled }
    }

    package struct Summary: Sendable {
        package var outcomes: [ItemOutcome] = []
        /// Selected dead letters that can never be replayed, and those no longer held back.
        package var refused: Int
        package var notHeldBack: Int
        package var passes = 0

        package init(plan: ReplayPlan) {
            refused = plan.refusals.filter { !$0.settled }.count
            notHeldBack = plan.refusals.count - refused
        }

        package var counts: [String: Int] {
            [
                "sent": outcomes.count, "delivered": outcomes.filter(\.delivered).count,
                "failedAgain": outcomes.filter { $0.outcome == DeliveryOutcome.Status.deadLettered.rawValue }.count,
                "settled": outcomes.filter(\.settled).count,
                "notSent": outcomes.filter { $0.outcome == DeliveryOutcome.Status.notReplayed.rawValue && !$0.settled }.count,
                "noAnswer": outcomes.filter { $0.outcome == Self.noAnswer }.count,
                "refused": refused, "notHeldBack": notHeldBack, "passes": passes,
            ]
        }

        package var auditResult: AuditRecord.Result {
            let succeeded = outcomes.filter(\.succeeded).count
            if succeeded == outcomes.count { return .done }
            return succeeded > 0 ? .partial : .failed
        }

        static let noAnswer = "no-answer"
    }

    /// The replay's id, on every record it sends (`gateway.replay.id`) and on its audit record.
    package let id: String
    private let configuration: GatewayConfiguration
    private let environment: [String: String]
    private let interval: Duration
    private let timeout: Duration
    private let progress: Progress
    private let logger: Logger
    private static let maxPasses = 5

    package init(configuration: GatewayConfiguration, environment: [String: String], rate: Double, timeout: Duration, progress: Progress, logger: Logger) {
        self.id = "replay-" + UUID().uuidString.lowercased()
        self.configuration = configuration
        self.environment = environment
        self.interval = .nanoseconds(Int64(1_000_000_000 / rate))
        self.timeout = timeout
        self.progress = progress
        self.logger = logger
    }

    package func replay(_ first: ReplayPlan) async throws -> Summary {
        var summary = Summary(plan: first)
        let deadline = ContinuousClock.now + timeout
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(try configuration.operatorKafka(environment: environment)))
        var plan = first
        do {
            while plan.itemCount > 0 {
                summary.passes += 1
                let outcomes = try await pass(plan, id: summary.passes == 1 ? id : "\(id).\(summary.passes)", producer: producer, deadline: deadline)
                summary.outcomes += outcomes
                guard summary.passes < Self.maxPasses, ContinuousClock.now < deadline,
                      let next = try await nextPass(after: plan, outcomes: outcomes) else { break }
                plan = next
            }
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
        return summary
    }

    /// Sends every item of `plan`, in order and at the rate, then waits for their results.
    private func pass(_ plan: ReplayPlan, id: String, producer: KafkaProducer, deadline: ContinuousClock.Instant) async throws -> [ItemOutcome] {
        let watch = try await ResultWatch(configuration, producer: producer, environment: environment, logger: logger)
        var order: [String] = []
        var pending: [String: ItemOutcome] = [:]
        var meter = Meter(total: plan.itemCount, style: progress)
        do {
            var next = ContinuousClock.now
            for group in plan.groups {
                for letter in group.items {
                    try await Task.sleep(until: next)
                    next = max(next + interval, .now)
                    // Each waits for its acknowledgement before the next is sent: a dossier's events stay in order.
                    _ = try await producer.send(ReplayPlan.record(for: letter, in: group, replayID: id, eventsTopic: configuration.kafka.eventsTopic))
                    let key = Self.key(group.parked.target.rawValue, group.parked.dossierCode, letter.eventId ?? "")
                    order.append(key)
                    pending[key] = ItemOutcome(
                        deadLetterId: letter.id, dossierCode: group.parked.dossierCode, target: group.parked.target.rawValue,
                        eventId: letter.eventId ?? "", outcome: Summary.noAnswer, reason: "no result from a gateway before the timeout; is one running?"
                    )
                    meter.sent()
                }
            }
        } catch {
            await watch.close()
            throw error
        }
        var answered: Set<String> = []
        await watch.follow(until: deadline) { record in
            guard record.replay == id else { return true }
            let key = Self.key(record.target.rawValue, record.dossierCode, record.eventId)
            guard pending[key] != nil, answered.insert(key).inserted else { return true }
            pending[key]?.outcome = record.outcome.rawValue
            pending[key]?.reason = record.reason
            meter.answered(pending[key]!)
            return answered.count < order.count
        }
        await watch.close()
        meter.finish()
        return order.compactMap { pending[$0] }
    }

    /// The dossiers whose every item went through but that are still parked: more events were
    /// parked behind them while the replay ran. Nil when there are none.
    private func nextPass(after plan: ReplayPlan, outcomes: [ItemOutcome]) async throws -> ReplayPlan? {
        let failed = Set(outcomes.filter { !$0.succeeded }.map { ParkedDossier.key($0.dossierCode, TargetName($0.target)) })
        let done = Set(plan.groups.map(\.parked.key)).subtracting(failed)
        guard !done.isEmpty else { return nil }
        let parked = try await ParkedIndex.read(configuration, environment: environment, logger: logger).filter { done.contains($0.key) }
        guard !parked.isEmpty else { return nil }
        // An event is parked before its dead letter is written: give the letters a moment.
        try await Task.sleep(for: .seconds(1))
        let letters = try await DeadLetterIndex.read(configuration, environment: environment, logger: logger)
        let waiting = Dictionary(parked.map { ($0.key, Set($0.waiting)) }, uniquingKeysWith: { $1 })
        let selected = letters.filter { letter in
            guard let dossier = letter.dossierCode, let event = letter.eventId else { return false }
            return waiting[ParkedDossier.key(dossier, TargetName(letter.target))]?.contains(event) ?? false
        }
        let next = ReplayPlan(selected: selected, all: letters, parked: parked)
        return next.itemCount > 0 ? next : nil
    }

    private static func key(_ target: String, _ dossier: String, _ event: String) -> String { "\(target)/\(dossier)/\(event)" }
}

/// Prints a replay's progress: sent and answered counts, and an ETA.
private struct Meter {
    let total: Int
    let style: ReplayRun.Progress
    let started = ContinuousClock.now
    var sentCount = 0
    var answeredCount = 0
    var deliveredCount = 0

    init(total: Int, style: ReplayRun.Progress) {
        self.total = total
        self.style = style
    }

    mutating func sent() {
        sentCount += 1
        if style == .bar { draw() }
    }

    mutating func answered(_ outcome: ReplayRun.ItemOutcome) {
        answeredCount += 1
        if outcome.succeeded { deliveredCount += 1 }
        switch style {
        case .silent: break
        case .bar: draw()
        case .lines:
            print("\(answeredCount)/\(total) \(outcome.outcome) \(outcome.target) \(outcome.dossierCode) \(outcome.eventId)\(outcome.reason.map { " (\($0))" } ?? "")")
        }
    }

    func finish() {
        if style == .bar { print("") }
    }

    private func draw() {
        let width = 30
        let filled = total == 0 ? width : width * answeredCount / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var eta = "--:--"
        if answeredCount > 0 {
            let seconds = Int(started.duration(to: .now).components.seconds) * (total - answeredCount) / answeredCount
            eta = String(format: "%d:%02d", seconds / 60, seconds % 60)
        }
        print("\r[\(bar)] sent \(sentCount)/\(total), answered \(answeredCount) (delivered \(deliveredCount)), ETA \(eta)  ", terminator: "")
        fflush(nil)
    }
}
