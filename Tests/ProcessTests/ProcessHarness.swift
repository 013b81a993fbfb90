import Foundation
import GatewayDev

/// The process tests' stack: the `gateway` built beside the test bundle, this repository's
/// contracts, and quick retries so that the tests' outages end fast.
typealias ProcessHarness = ProcessStack

extension ProcessStack {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `gateway` binary built beside the test bundle.
    static var testBinary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gateway")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repository.appendingPathComponent(".build/debug/gateway")
    }

    convenience init(partitions: Int = 6) throws {
        try self.init(
            partitions: partitions, binary: Self.testBinary, contractsDirectory: Self.repository.appendingPathComponent("Contracts").path,
            gatewayDefaults: [
                "GATEWAY__targets__dvcqg__retry__initialBackoffMilliseconds": "20",
                "GATEWAY__targets__dvcqg__retry__maxBackoffMilliseconds": "500",
                "GATEWAY__delivery__commitIntervalMilliseconds": "100",
            ]
        )
    }
}

/// A short-lived program's exit status and standard output, once it has ended.
struct ProgramRun {
    let status: Int32
    let output: String

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProgramRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return ProgramRun(status: process.terminationStatus, output: text)
    }
}

/// A program started in the background; `finish()` waits for it without holding a thread.
struct RunningProgram {
    let process: Process
    let output: URL

    static func launch(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], withStandardError: Bool = false) throws -> RunningProgram {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("program-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = withStandardError ? handle : FileHandle.nullDevice
        try process.run()
        return RunningProgram(process: process, output: output)
    }

    var outputSoFar: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    func finish(timeout: Duration = .seconds(300)) async -> ProgramRun {
        let end = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: output) }
        return ProgramRun(status: process.terminationStatus, output: outputSoFar)
    }
}
