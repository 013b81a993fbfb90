import ArgumentParser
import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Kafka
import Logging

/// `gateway dlq list|show|stats`: the dead letters on `gateway.dlq`, read from the broker.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Look at the dead letters on the dead-letter topic; needs only the broker, not a running gateway.",
        subcommands: [List.self, Show.self, Stats.self]
    )

    /// Which dead letters a command looks at.
    struct Selection: ParsableArguments {
        @Option(help: "Only this national system.") var target: String?
        @Option(help: "Only this dossier code.") var dossier: String?
        @Option(help: "Only this error class (dlq.error.class), e.g. http-400, missing-data, parked.") var errorClass: String?
        @Option(help: "Only this operation, e.g. DongBoHoSoMC.") var operation: String?
        @Option(name: .customLong("id"), help: "Only this event id (dlq.event.id).") var eventId: String?
        @Option(help: "Dead-lettered at or after: RFC 3339, or a day YYYY-MM-DD (Vietnam time).") var since: String?
        @Option(help: "Dead-lettered before: RFC 3339, or a day YYYY-MM-DD (Vietnam time).") var until: String?

        func validate() throws { _ = try filter() }

        func filter() throws -> DeadLetterFilter {
            DeadLetterFilter(
                target: target, dossier: dossier, errorClass: errorClass, operation: operation, eventId: eventId,
                since: try since.map { try Self.instant($0, option: "--since") }, until: try until.map { try Self.instant($0, option: "--until") }
            )
        }

        static func instant(_ text: String, option: String) throws -> Date {
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if text.count == 10, let date = try? Date(text + "T00:00:00+07:00", strategy: .iso8601) { return date }
            throw ValidationError("\(option) \(text): expected RFC 3339 (2026-12-01T08:00:00+07:00) or a day (2026-12-01)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters, oldest first.")
        @OptionGroup var options: ConfigurationOption
        @OptionGroup var selection: Selection
        @Flag(help: "JSON instead of a table.") var json = false

        func run() async throws {
            let entries = try await DLQCommand.read(options).filter(try selection.filter().matches)
            if json {
                try DLQCommand.printJSON(entries.map(\.listed))
                return
            }
            DLQCommand.printTable(
                ["ID", "DEAD-LETTERED AT", "TARGET", "OPERATION", "DOSSIER", "ERROR CLASS", "HTTP", "REASON"],
                entries.map { [$0.id, $0.deadLetteredAt ?? "-", $0.target, $0.operation ?? "-", $0.dossierCode ?? "-", $0.errorClass ?? "-", $0.httpStatus ?? "-", $0.reason ?? "-"] }
            )
            print("\(entries.count) dead letter\(entries.count == 1 ? "" : "s")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one dead letter, every header and the original event, personal data masked unless revealed (audited).")
        @Argument(help: "The dead letter's id, partition:offset, as `dlq list` prints it.") var id: String
        @OptionGroup var options: ConfigurationOption
        @Flag(help: "Show personal data in clear; written to the audit topic first.") var reveal = false
        @Option(name: .customLong("operator"), help: "Who reveals, for the audit record (default: the login user).") var operatorName: String?
        @Option(help: "Why personal data is shown; written to the audit record.") var reason: String?
        @Flag(help: "JSON instead of text.") var json = false

        func validate() throws {
            let parts = id.split(separator: ":")
            guard parts.count == 2, Int32(parts[0]) != nil, Int64(parts[1]) != nil else {
                throw ValidationError("\(id): a dead letter's id is partition:offset, e.g. 3:120")
            }
        }

        func run() async throws {
            guard var entry = try await DLQCommand.read(options).first(where: { $0.id == id }) else {
                FileHandle.standardError.write(Data("no dead letter \(id) on the dead-letter topic\n".utf8))
                throw ExitCode.failure
            }
            if reveal {
                // Nothing is shown in clear unless the audit topic has the record of it.
                let configuration = try GatewayConfiguration.load(path: options.config)
                var audit = AuditRecord(
                    action: .dlqReveal, operator: operatorName ?? ParkedCommand.loginUser, target: entry.target, dossierCode: entry.dossierCode,
                    behindEventId: nil, reason: reason, result: .done
                )
                audit.deadLetterId = entry.id
                try await ParkedCommand.writeAudit(audit, key: entry.id, configuration: configuration, environment: ProcessInfo.processInfo.environment)
            } else {
                // The event's own names, numbers and addresses are hidden wherever they appear.
                let value = entry.value ?? ""
                let personal = (try? DossierEventDecoder.decode(Array(value.utf8), key: nil))?.personalTexts ?? []
                entry.value = Redaction.mask(value, hiding: personal)
                entry.headers = entry.headers?.mapValues { Redaction.mask($0, hiding: personal) }
            }
            if json {
                try DLQCommand.printJSON(entry)
                return
            }
            for (name, value) in (entry.headers ?? [:]).sorted(by: { $0.key < $1.key }) { print("\(name): \(value)") }
            print("")
            print(entry.value ?? "")
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count dead letters by target, error class and day.")
        @OptionGroup var options: ConfigurationOption
        @OptionGroup var selection: Selection
        @Flag(help: "JSON instead of tables.") var json = false

        func run() async throws {
            let entries = try await DLQCommand.read(options).filter(try selection.filter().matches)
            let stats = DeadLetterIndex.stats(entries)
            if json {
                try DLQCommand.printJSON(["total": ["all": entries.count], "byTarget": stats.byTarget, "byErrorClass": stats.byErrorClass, "byDay": stats.byDay])
                return
            }
            for (title, counts) in [("TARGET", stats.byTarget), ("ERROR CLASS", stats.byErrorClass), ("DAY", stats.byDay)] {
                DLQCommand.printTable([title, "COUNT"], counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] })
                print("")
            }
            print("\(entries.count) dead letter\(entries.count == 1 ? "" : "s")")
        }
    }

    static func read(_ options: ConfigurationOption) async throws -> [DeadLetterEntry] {
        let configuration = try GatewayConfiguration.load(path: options.config)
        LogSetup.bootstrap(level: "error")
        return try await DeadLetterIndex.read(configuration, environment: ProcessInfo.processInfo.environment, logger: Logger(label: "dlq"))
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func printTable(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}

/// `gateway parked list`: the dossiers waiting behind a dead letter, per target.
struct ParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parked",
        abstract: "Look at the dossiers parked behind a dead letter; needs only the broker, not a running gateway.",
        subcommands: [List.self, Release.self, Skip.self]
    )

    /// The parked (dossier × target) a change names, and who makes it.
    struct Change: ParsableArguments {
        @Option(help: "The national system the dossier is parked for.") var target: String
        @Option(help: "The dossier code.") var dossier: String
        @Option(name: .customLong("operator"), help: "Who does it, for the audit record (default: the login user).") var operatorName: String?

        var who: String { operatorName ?? ParkedCommand.loginUser }
    }

    /// Who runs the command, when `--operator` does not say.
    static var loginUser: String {
        ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
    }

    /// Writes `record` to the audit topic and waits for Kafka to acknowledge it.
    static func writeAudit(_ record: AuditRecord, key: String, configuration: GatewayConfiguration, environment: [String: String]) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(try configuration.operatorKafka(environment: environment)))
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: configuration.kafka.auditTopic, key: key, value: record.encoded()))
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a parked dossier's later events go out again, its dead letter kept for replay; audited."
        )
        @OptionGroup var options: ConfigurationOption
        @OptionGroup var change: Change

        func run() async throws {
            try await ParkedCommand.unpark(change, action: .parkedRelease, reason: nil, options: options)
        }
    }

    struct Skip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Abandon the dead letter a dossier waits behind and let its later events go out; audited with the reason."
        )
        @OptionGroup var options: ConfigurationOption
        @OptionGroup var change: Change
        @Option(help: "Why the dead letter is abandoned; written to the audit record.") var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why") }
        }

        func run() async throws {
            try await ParkedCommand.unpark(change, action: .parkedSkip, reason: reason, options: options)
        }
    }

    /// Writes the tombstone that releases the parked (dossier × target), then the audit record.
    static func unpark(_ change: Change, action: AuditRecord.Action, reason: String?, options: ConfigurationOption) async throws {
        let configuration = try GatewayConfiguration.load(path: options.config)
        LogSetup.bootstrap(level: "error")
        let environment = ProcessInfo.processInfo.environment
        let parked = try await ParkedIndex.read(configuration, environment: environment, logger: Logger(label: "parked"))
        guard let entry = parked.first(where: { $0.target.rawValue == change.target && $0.dossierCode == change.dossier }) else {
            FileHandle.standardError.write(Data("\(change.dossier) is not parked for \(change.target)\n".utf8))
            throw ExitCode.failure
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(try configuration.operatorKafka(environment: environment)))
        var audit = AuditRecord(action: action, operator: change.who, target: change.target, dossierCode: change.dossier, behindEventId: entry.next ?? entry.eventId, reason: reason, result: .done)
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: configuration.kafka.parkedTopic, key: entry.key, value: nil))
        } catch {
            await producer.shutdown()
            audit.result = .failed
            try? await writeAudit(audit, key: entry.key, configuration: configuration, environment: environment)
            throw error
        }
        await producer.shutdown()
        try await writeAudit(audit, key: entry.key, configuration: configuration, environment: environment)
        print("\(change.dossier) released for \(change.target) (it waited behind \(entry.next ?? entry.eventId)); audited as \(audit.action.rawValue) by \(audit.operator)")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List each parked (dossier × target), what it waits behind and how many events wait.")
        @OptionGroup var options: ConfigurationOption
        @Option(help: "Only this national system.") var target: String?
        @Flag(help: "JSON instead of a table.") var json = false

        struct Row: Encodable {
            let dossierCode: String, target: String, behindEventId: String, reason: String, parkedAt: Date, eventsWaiting: Int
        }

        func run() async throws {
            let configuration = try GatewayConfiguration.load(path: options.config)
            LogSetup.bootstrap(level: "error")
            let environment = ProcessInfo.processInfo.environment
            let logger = Logger(label: "parked")
            let parked = try await ParkedIndex.read(configuration, environment: environment, logger: logger).filter { target == nil || $0.target.rawValue == target }
            let letters = try await DeadLetterIndex.read(configuration, environment: environment, logger: logger)
            let rows = parked.map {
                Row(dossierCode: $0.dossierCode, target: $0.target.rawValue, behindEventId: $0.next ?? $0.eventId, reason: $0.reason, parkedAt: $0.parkedAt,
                    eventsWaiting: ParkedIndex.followers(of: $0, in: letters))
            }
            if json {
                try DLQCommand.printJSON(rows)
                return
            }
            DLQCommand.printTable(
                ["TARGET", "DOSSIER", "BEHIND EVENT", "REASON", "PARKED AT", "WAITING"],
                rows.map { [$0.target, $0.dossierCode, $0.behindEventId, $0.reason, VietnamTime.rfc3339($0.parkedAt), String($0.eventsWaiting)] }
            )
            print("\(rows.count) parked dossier\(rows.count == 1 ? "" : "s")")
        }
    }
}
