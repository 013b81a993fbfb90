import Foundation
import Logging

enum LogSetup {
    /// Structured logs on standard error; `LOG_LEVEL` overrides the configured level.
    static func bootstrap(level: String) {
        let chosen = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
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

    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    final class Once: @unchecked Sendable {
        // Guarded by `lock`; resumed at most once.
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
