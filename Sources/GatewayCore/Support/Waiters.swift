import GatewayModel

/// Tasks suspended until something changes in the actor that owns this value. The actor
/// suspends a caller with `add`, calls `resumeAll()` after a change, and `resume(_:)` when a
/// waiting task is cancelled, so that nothing polls.
package struct Waiters {
    private var pending: [Int: CheckedContinuation<Void, Never>] = [:]
    private var lastID = 0

    package init() {}

    /// An identifier for the next waiter, known before it suspends so that its cancellation
    /// handler can name it.
    package mutating func nextID() -> Int {
        lastID += 1
        return lastID
    }

    package mutating func add(_ continuation: CheckedContinuation<Void, Never>, id: Int) {
        pending[id] = continuation
    }

    /// Resumes one waiter, if it still waits.
    package mutating func resume(_ id: Int) {
        pending.removeValue(forKey: id)?.resume()
    }

    package mutating func resumeAll() {
        let waiting = pending
        pending = [:]
        for continuation in waiting.values { continuation.resume() }
    }
}

/// Runs `body` for at most `deadline`: true when it ended first, false when the deadline
/// passed or the task was cancelled (and `body` then is cancelled too).
package func finishes(within deadline: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await body()
            return !Task.isCancelled
        }
        group.addTask {
            try? await Task.sleep(for: deadline)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
}
