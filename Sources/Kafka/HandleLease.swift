import Foundation
import Synchronization

/// Counts the calls using a librdkafka handle, so that the handle is destroyed only after it
/// is closed to new calls and the last running call has returned.
final class HandleLease: Sendable {
    private let state = Mutex<(closed: Bool, users: Int)>((false, 0))

    /// Takes a use of the handle; fails with `KafkaError.shutdown` once it is closed.
    func acquire() throws {
        try state.withLock { state in
            guard !state.closed else { throw KafkaError.shutdown }
            state.users += 1
        }
    }

    func release() {
        state.withLock { $0.users -= 1 }
    }

    /// Closes the handle to new uses; false when it was closed already.
    func close() -> Bool {
        state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
    }

    /// Blocks until no call uses the handle; call after `close`, off the cooperative pool.
    func waitUntilUnused() {
        while state.withLock({ $0.users > 0 }) { usleep(1_000) }
    }
}
