import Synchronization

/// A condition the gateway cannot deliver through (a producer that can send nothing more, a
/// dead-letter topic that refuses every record). Raising it stops the gateway, which then exits
/// non-zero so that its supervisor restarts it and the log says why.
final class FatalCondition: Sendable {
    private let state = Mutex<(reason: String?, waiters: [CheckedContinuation<String?, Never>])>((nil, []))

    var reason: String? { state.withLock { $0.reason } }

    /// Records the first reason and wakes whoever waits.
    func raise(_ reason: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<String?, Never>] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: reason) }
    }

    /// The reason once raised; nil when the waiting task is cancelled first.
    func wait() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let resumeNow: String?? = state.withLock { state in
                    if let reason = state.reason { return .some(reason) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters.append(continuation)
                    return .none
                }
                if let now = resumeNow { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiters = state.withLock { state -> [CheckedContinuation<String?, Never>] in
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }
    }
}

/// Why `gateway run` stopped on its own.
package struct GatewayFailure: Error, CustomStringConvertible {
    package let description: String
}
