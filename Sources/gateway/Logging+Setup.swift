import Foundation
import GatewayRuntime
import Logging

enum LogSetup {
    /// Structured logs on standard error, made safe by `SafeLogHandler`; `LOG_LEVEL` overrides
    /// the configured level.
    static func bootstrap(level: String) {
        let chosen = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = SafeLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = chosen
            return handler
        }
    }
}

/// Waits for SIGINT or SIGTERM.
enum Termination {
    static func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                Termination.sources.append(source)
            }
        }
    }

    // Written only inside `wait()`, which the CLI calls once from one task; it keeps the
    // signal sources alive for the life of the process.
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    /// Resumes its continuation at most once, whichever signal comes first.
    final class Once: @unchecked Sendable {
        // Unchecked: `continuation` is read and cleared only under `lock`.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
        func resume() {
            lock.lock()
            let pending = continuation
            continuation = nil
            lock.unlock()
            pending?.resume()
        }
    }
}
