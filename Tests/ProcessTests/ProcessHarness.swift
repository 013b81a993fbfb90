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
