import ArgumentParser
import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Kafka
import Logging

/// `gateway replay`: sends dead letters again to their own target, through the running
/// gateway that owns the dossier's partition, in each dossier's order.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send dead letters again to the target that refused them, in each dossier's order; audited.",
        discussion: """
            A dead letter goes again with its parked dossier: the event the dossier waits behind, then \
            the events parked behind it, in their order, to that target only. A running gateway \
            delivers them through its normal path and lets the dossier's later events through \
            once the last one is delivered. Replaying again delivers nothing twice.
            """
    )

    @OptionGroup var options: ConfigurationOption
    @OptionGroup var selection: DLQCommand.Selection
    @Flag(help: "Print what would be sent and check each against today's contract; write nothing.") var dryRun = false
    @Option(help: "At most this many events sent per second.") var rate: Double = 20
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(help: "Give up waiting for the gateway's results after this many seconds.") var timeout: Int = 300
    @Option(name: .customLong("operator"), help: "Who replays, for the audit record (default: the login user).") var operatorName: String?
    @Flag(help: "JSON instead of tables and progress lines.") var json = false

    func validate() throws {
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be a positive number of events per second") }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        if !dryRun, !yes, isatty(STDIN_FILENO) == 0 {
            throw ValidationError("a replay asks for confirmation on a terminal; give --yes to replay without one")
        }
    }

    func run() async throws {
        let configuration = try GatewayConfiguration.load(path: options.config)
        LogSetup.bootstrap(level: "error")
        let environment = ProcessInfo.processInfo.environment
        let logger = Logger(label: "replay")
        let filter = try selection.filter()
        let letters = try await DeadLetterIndex.read(configuration, environment: environment, logger: logger)
        let parked = try await ParkedIndex.read(configuration, environment: environment, logger: logger)
        let plan = ReplayPlan(selected: letters.filter(filter.matches), all: letters, parked: parked)

        if dryRun {
            let rehearsal = ReplayRehearsal(configuration: configuration, environment: environment, logger: logger)
            let rows = await Self.rehearse(plan, with: rehearsal)
            try printRehearsal(rows, plan: plan)
            if plan.refusesSome || rows.contains(where: { !$0.check.passes }) { throw ExitCode.failure }
            return
        }
        guard plan.itemCount > 0 else {
            try report(ReplayRun.Summary(plan: plan), plan: plan)
            if plan.refusesSome { throw ExitCode.failure }
            return
        }
        if !yes {
            print("Send \(plan.itemCount) event\(plan.itemCount == 1 ? "" : "s") of \(plan.groups.count) parked dossier\(plan.groups.count == 1 ? "" : "s") again? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes", "có", "co"].contains(answer.lowercased()) else {
                print("nothing sent")
                throw ExitCode.failure
            }
        }
        let run = ReplayRun(
            configuration: configuration, environment: environment, rate: rate, timeout: .seconds(timeout),
            progress: json ? .silent : (isatty(STDOUT_FILENO) != 0 ? .bar : .lines), logger: logger
        )
        let started = Date()
        let summary = try await run.replay(plan)
        var audit = AuditRecord(
            action: .replay, operator: operatorName ?? ParkedCommand.loginUser, target: selection.target, dossierCode: selection.dossier,
            behindEventId: nil, reason: nil, result: summary.auditResult
        )
        audit.replayId = run.id
        audit.filter = selection.described
        audit.counts = summary.counts
        audit.startedAt = VietnamTime.rfc3339(started)
        try await ParkedCommand.writeAudit(audit, key: run.id, configuration: configuration, environment: environment)
        try report(summary, plan: plan)
        if summary.auditResult != .done || plan.refusesSome { throw ExitCode.failure }
    }

    struct RehearsalRow: Encodable {
        let id: String, dossierCode: String, target: String, eventId: String, operation: String, errorClass: String, httpStatus: String
        let attempts: Int?, deadLetteredAt: String, age: String, followersWaiting: Int
        let check: ReplayRehearsal.Finding
    }

    static func rehearse(_ plan: ReplayPlan, with rehearsal: ReplayRehearsal) async -> [RehearsalRow] {
        var rows: [RehearsalRow] = []
        for group in plan.groups {
            for (index, letter) in group.items.enumerated() {
                rows.append(RehearsalRow(
                    id: letter.id, dossierCode: group.parked.dossierCode, target: group.parked.target.rawValue, eventId: letter.eventId ?? "-",
                    operation: letter.operation ?? "-", errorClass: letter.errorClass ?? "-", httpStatus: letter.httpStatus ?? "-",
                    attempts: letter.attempts, deadLetteredAt: letter.deadLetteredAt ?? "-", age: age(of: letter.deadLetteredAt),
                    followersWaiting: index == 0 ? group.items.count - 1 : 0,
                    check: await rehearsal.check(letter, target: group.parked.target)
                ))
            }
        }
        return rows
    }

    func printRehearsal(_ rows: [RehearsalRow], plan: ReplayPlan) throws {
        if json {
            struct Output: Encodable { let wouldReplay: [RehearsalRow]; let shortfalls: [String: String]; let refused: [ReplayPlan.Refusal] }
            try DLQCommand.printJSON(Output(wouldReplay: rows, shortfalls: Self.shortfalls(plan), refused: plan.refusals))
            return
        }
        DLQCommand.printTable(
            ["DOSSIER", "TARGET", "EVENT", "OPERATION", "ERROR CLASS", "HTTP", "ATTEMPTS", "AGE", "FOLLOWERS", "CHECK"],
            rows.map {
                [$0.dossierCode, $0.target, $0.eventId, $0.operation, $0.errorClass, $0.httpStatus, $0.attempts.map(String.init) ?? "-", $0.age,
                 String($0.followersWaiting), ($0.check.passes ? "ok: " : "WOULD FAIL: ") + $0.check.detail]
            }
        )
        printNotes(plan)
        print("dry run: \(rows.count) event\(rows.count == 1 ? "" : "s") would be sent again, \(rows.filter { !$0.check.passes }.count) flagged; nothing was written")
    }

    func report(_ summary: ReplayRun.Summary, plan: ReplayPlan) throws {
        if json {
            struct Output: Encodable { let counts: [String: Int]; let result: String; let outcomes: [ReplayRun.ItemOutcome]; let shortfalls: [String: String]; let refused: [ReplayPlan.Refusal] }
            try DLQCommand.printJSON(Output(counts: summary.counts, result: summary.auditResult.rawValue, outcomes: summary.outcomes, shortfalls: Self.shortfalls(plan), refused: plan.refusals))
            return
        }
        let failed = summary.outcomes.filter { !$0.succeeded }
        if !failed.isEmpty {
            DLQCommand.printTable(["DOSSIER", "TARGET", "EVENT", "OUTCOME", "REASON"], failed.map { [$0.dossierCode, $0.target, $0.eventId, $0.outcome, $0.reason ?? "-"] })
        }
        printNotes(plan)
        let counts = summary.counts
        let others = counts.filter { !["sent", "delivered", "passes"].contains($0.key) && $0.value > 0 }.sorted { $0.key < $1.key }
        print("sent \(counts["sent"] ?? 0), delivered \(counts["delivered"] ?? 0)" + others.map { ", \($0.key) \($0.value)" }.joined())
    }

    private func printNotes(_ plan: ReplayPlan) {
        for group in plan.groups {
            if let shortfall = group.shortfall { print("note: \(group.parked.target)/\(group.parked.dossierCode): \(shortfall)") }
        }
        for refusal in plan.refusals where !refusal.settled {
            print("cannot replay \(refusal.id) (\(refusal.target), \(refusal.dossierCode ?? "-")): \(refusal.why)")
        }
        let settled = plan.refusals.filter(\.settled).count
        if settled > 0 {
            print("\(settled) selected dead letter\(settled == 1 ? " is" : "s are") no longer held back (delivered, released or skipped): not sent; --json says why for each")
        }
    }

    static func shortfalls(_ plan: ReplayPlan) -> [String: String] {
        Dictionary(plan.groups.compactMap { group in group.shortfall.map { (group.parked.key, $0) } }, uniquingKeysWith: { $1 })
    }

    static func age(of deadLetteredAt: String?) -> String {
        guard let text = deadLetteredAt, let at = try? Date(text, strategy: .iso8601) else { return "-" }
        let seconds = max(0, Int(Date().timeIntervalSince(at)))
        if seconds < 3_600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3_600)h\(seconds % 3_600 / 60)m" }
        return "\(seconds / 86_400)d\(seconds % 86_400 / 3_600)h"
    }
}

extension DLQCommand.Selection {
    /// The options given, for the audit record.
    var described: [String: String] {
        var all: [String: String] = [:]
        for (name, value) in [("target", target), ("dossier", dossier), ("error-class", errorClass), ("operation", operation), ("id", eventId), ("since", since), ("until", until)] {
            if let value { all[name] = value }
        }
        return all
    }
}
