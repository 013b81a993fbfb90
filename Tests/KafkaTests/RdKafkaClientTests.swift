import Foundation
import Synchronization
import Testing

@testable import Kafka

struct RdKafkaClientTests {
    final class Started: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Sixteen calls that each block until all sixteen have started: on a pool of a few
    /// threads the first ones would wait for the last in vain, and give up after 5 s.
    @Test func blockingCallsDoNotWaitForEachOther() async {
        let callers = 16
        let started = Started()
        let sawAll = await withTaskGroup(of: Bool.self, returning: Int.self) { group in
            for _ in 0..<callers {
                group.addTask {
                    await RdKafka.blocking { () -> Bool in
                        started.count.add(1, ordering: .sequentiallyConsistent)
                        let deadline = ContinuousClock.now + .seconds(5)
                        while started.count.load(ordering: .sequentiallyConsistent) < callers, ContinuousClock.now < deadline {
                            usleep(1_000)
                        }
                        return started.count.load(ordering: .sequentiallyConsistent) == callers
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(sawAll == callers, "every call saw all \(callers) running at once")
    }
}
