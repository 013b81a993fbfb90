import Foundation
import Logging

/// How the gateway's executables log.
package enum LogSetup {
    /// Structured logs on standard error, made safe by `SafeLogHandler`; `LOG_LEVEL` overrides
    /// the configured level.
    package static func bootstrap(level: String) {
        let chosen = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = SafeLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = chosen
            return handler
        }
    }
}
