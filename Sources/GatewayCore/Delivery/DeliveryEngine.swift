import GatewayModel
import Logging
import Synchronization

/// A target's delivery settings.
package struct TargetSettings: Sendable {
    package var retry: RetryPolicy
    /// Deliveries running at once against this target (each a different dossier).
    package var maxInFlight: Int
    package var breaker: BreakerPolicy
    /// Calls per second; zero for no limit.
    package var ratePerSecond: Double
    package var rateBurst: Int

    package init(retry: RetryPolicy = .default, maxInFlight: Int = 32, breaker: BreakerPolicy = BreakerPolicy(), ratePerSecond: Double = 0, rateBurst: Int = 20) {
        self.retry = retry
        self.maxInFlight = maxInFlight
        self.breaker = breaker
        self.ratePerSecond = ratePerSecond
        self.rateBurst = rateBurst
    }
}

/// Runs deliveries in independent lanes, one per target. Within a lane, a dossier's
/// deliveries run one after another in the order submitted; different dossiers run
/// side by side up to the target's in-flight cap.
package final class DeliveryEngine: Sendable {
    package typealias OutcomeHandler = @Sendable (DeliveryOutcome) async -> Void

    private let lanes: [TargetName: TargetLane]
    private let breakers: [TargetName: CircuitBreaker]

    package init(
        adapters: [any TargetAdapter], settings: [TargetName: TargetSettings],
        parking: any ParkingState = InMemoryParkingLot(), marks: any DeliveryMarks = InMemoryDeliveryMarks(), logger: Logger
    ) {
        var lanes: [TargetName: TargetLane] = [:]
        var breakers: [TargetName: CircuitBreaker] = [:]
        for adapter in adapters {
            let setting = settings[adapter.target] ?? TargetSettings()
            let breaker = CircuitBreaker(target: adapter.target, policy: setting.breaker, logger: logger)
            let limiter = RateLimiter(perSecond: setting.ratePerSecond, burst: setting.rateBurst)
            let executor = DeliveryExecutor(adapter: adapter, policy: setting.retry, breakerPolicy: setting.breaker, breaker: breaker, limiter: limiter, logger: logger)
            lanes[adapter.target] = TargetLane(executor: executor, parking: parking, marks: marks, maxInFlight: setting.maxInFlight, logger: logger)
            breakers[adapter.target] = breaker
        }
        self.lanes = lanes
        self.breakers = breakers
    }

    /// Each target's circuit-breaker state: `open` and `probing` mean the target is paused.
    package func breakerStates() async -> [TargetName: CircuitBreaker.State] {
        var states: [TargetName: CircuitBreaker.State] = [:]
        for (target, breaker) in breakers { states[target] = await breaker.state }
        return states
    }

    /// Stops all work on events from `partitions` (they moved to another instance):
    /// drops what has not started, cancels what runs, and returns once none of it runs.
    package func abandon(_ partitions: Set<PartitionID>) async {
        for lane in lanes.values { await lane.abandon(partitions) }
    }

    package var targets: [TargetName] { lanes.keys.sorted() }

    /// Queues a delivery; `onOutcome` runs when it ends (not when it is cancelled by shutdown).
    package func submit(_ delivery: Delivery, onOutcome: @escaping OutcomeHandler) async {
        guard let lane = lanes[delivery.target] else {
            preconditionFailure("no lane for target \(delivery.target); the router only routes to configured targets")
        }
        await lane.enqueue(delivery, onOutcome: onOutcome)
    }

    /// Deliveries queued or running, per target.
    package func backlog() async -> [TargetName: Int] {
        var result: [TargetName: Int] = [:]
        for (target, lane) in lanes { result[target] = await lane.backlog }
        return result
    }

    /// Waits until every lane is idle or `deadline` passes, then cancels what still runs and
    /// waits for it to end, so that nothing delivers after this returns.
    package func shutdown(deadline: Duration) async {
        for lane in lanes.values { await lane.close() }
        let lanes = Array(self.lanes.values)
        let drained = await finishes(within: deadline) {
            for lane in lanes { await lane.waitUntilIdle() }
        }
        guard !drained else { return }
        for lane in lanes { await lane.cancelAll() }
    }
}

/// One target's queues: per dossier, first in first out.
actor TargetLane {
    private struct Pending {
        let delivery: Delivery
        let onOutcome: DeliveryEngine.OutcomeHandler
    }

    private let executor: DeliveryExecutor
    private let parking: any ParkingState
    private let marks: any DeliveryMarks
    private let logger: Logger
    private let maxInFlight: Int
    private var queues: [String: FIFO<Pending>] = [:]
    private var ready = FIFO<String>()
    private var running: [String: Task<Void, Never>] = [:]
    private var isClosed = false
    private(set) var backlog = 0 {
        didSet { if backlog == 0 { idle.resumeAll() } }
    }
    /// Callers of `waitUntilIdle`.
    private var idle = Waiters()

    init(executor: DeliveryExecutor, parking: any ParkingState, marks: any DeliveryMarks, maxInFlight: Int, logger: Logger) {
        self.executor = executor
        self.parking = parking
        self.marks = marks
        self.logger = logger
        self.maxInFlight = max(1, maxInFlight)
    }

    func enqueue(_ delivery: Delivery, onOutcome: @escaping DeliveryEngine.OutcomeHandler) {
        guard !isClosed else { return }
        let dossier = delivery.event.dossierCode
        backlog += 1
        if queues[dossier] != nil {
            queues[dossier]!.push(Pending(delivery: delivery, onOutcome: onOutcome))
            return
        }
        queues[dossier] = FIFO([Pending(delivery: delivery, onOutcome: onOutcome)])
        ready.push(dossier)
        startReady()
    }

    /// Returns once nothing is queued or running, or when the calling task is cancelled.
    func waitUntilIdle() async {
        let id = idle.nextID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if backlog == 0 || Task.isCancelled {
                    continuation.resume()
                } else {
                    idle.add(continuation, id: id)
                }
            }
        } onCancel: {
            Task { await self.stopWaiting(id) }
        }
    }

    private func stopWaiting(_ id: Int) { idle.resume(id) }

    /// Accepts nothing more and drops what has not started: it stays unacknowledged
    /// in Kafka and is read again after restart.
    func close() {
        isClosed = true
        ready = FIFO()
        for (dossier, queue) in queues {
            if running[dossier] == nil {
                backlog -= queue.count
                queues[dossier] = nil
            } else if let head = queue.first {
                backlog -= queue.count - 1
                queues[dossier] = FIFO([head])
            }
        }
    }

    /// Cancels what runs and waits for it to end, at most `patience`: a delivery that does not
    /// end by then is left to end on its own (its event is read again after restart).
    func cancelAll(patience: Duration = .seconds(3)) async {
        let tasks = Array(running.values)
        for task in tasks { task.cancel() }
        let ended = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let first = FirstAnswer(continuation)
            Task {
                for task in tasks { await task.value }
                first.resume(true)
            }
            Task {
                try? await Task.sleep(for: patience)
                first.resume(false)
            }
        }
        if !ended {
            logger.warning("deliveries still running after they were cancelled", metadata: ["count": "\(running.count)"])
        }
    }

    /// Drops the queued deliveries of `partitions` and cancels a running one, returning once
    /// it has ended. A dossier's queue holds one partition's events unless its partition
    /// changed (a partition count raised), so each is looked at, not only the head.
    func abandon(_ partitions: Set<PartitionID>) async {
        var waiting: [Task<Void, Never>] = []
        for (dossier, queue) in queues {
            let task = running[dossier]
            var kept = FIFO<Pending>()
            for (index, pending) in queue.elements.enumerated() {
                if index == 0, let task {
                    // The running head stays queued until it ends; `finished` removes it.
                    kept.push(pending)
                    if partitions.contains(pending.delivery.origin.partitionID) {
                        task.cancel()
                        waiting.append(task)
                    }
                } else if partitions.contains(pending.delivery.origin.partitionID) {
                    backlog -= 1
                } else {
                    kept.push(pending)
                }
            }
            queues[dossier] = kept.isEmpty ? nil : kept
        }
        for task in waiting { await task.value }
    }

    private func startReady() {
        while !isClosed, running.count < maxInFlight, let dossier = ready.pop() {
            // A dossier can stand in `ready` more than once (dropped by `abandon`, then queued
            // again): its head starts once, and `finished` queues the dossier again.
            guard running[dossier] == nil, let head = queues[dossier]?.first else { continue }
            // The task goes on with the dossier's next delivery while one is queued, rather than
            // end and have another started for it: a task costs more than the delivery's hop here.
            running[dossier] = Task {
                var next: Pending? = head
                while let pending = next {
                    if let outcome = await self.deliver(pending.delivery) {
                        await pending.onOutcome(outcome)
                    }
                    next = self.finished(dossier, cancelled: Task.isCancelled)
                }
            }
        }
    }

    /// Runs a delivery unless the target has it already or its dossier is parked for this
    /// target behind another event. A parked dossier's held-back events go one at a time, in
    /// their order: only the next may run, whether it comes as a replay or is read again.
    /// What the outcome causes (parking, records, the mark) is the outcome handler's.
    private nonisolated func deliver(_ delivery: Delivery) async -> DeliveryOutcome? {
        let parked = await parking.parked(delivery.event.dossierCode, target: delivery.target)
        if delivery.replay != nil {
            guard let parked else { return DeliveryOutcome(delivery, .notReplayed(.notParked)) }
            switch parked.standing(of: delivery.event.id) {
            case .next: return await run(delivery)
            case .through: return DeliveryOutcome(delivery, .notReplayed(.alreadyThrough))
            case .waiting: return DeliveryOutcome(delivery, .notReplayed(.outOfTurn))
            case .unknown: return DeliveryOutcome(delivery, .notReplayed(.notHeldBack))
            }
        }
        if await marks.isDelivered(delivery) {
            return DeliveryOutcome(delivery, .alreadyDelivered)
        }
        if let parked {
            switch parked.standing(of: delivery.event.id) {
            case .next: break
            case .through: return DeliveryOutcome(delivery, .alreadyDelivered)
            case .waiting, .unknown: return DeliveryOutcome(delivery, .parked(behind: parked))
            }
        }
        return await run(delivery)
    }

    /// Runs `delivery` as its span: the calls it makes carry it.
    private nonisolated func run(_ delivery: Delivery) async -> DeliveryOutcome? {
        let memory = MarkedDossierMemory(marks: marks, delivery: delivery)
        return await DeliveryTrace.$current.withValue(delivery.trace) { await executor.run(delivery, memory: memory) }
    }

    /// Ends the dossier's running delivery and returns its next one for the same task to run,
    /// or nil when that task is to end: nothing is queued, the lane is closed, or the task was
    /// cancelled (a queued delivery then waits for a task of its own, as before).
    private func finished(_ dossier: String, cancelled: Bool) -> Pending? {
        backlog -= 1
        _ = queues[dossier]?.pop()
        if queues[dossier]?.isEmpty ?? true {
            queues[dossier] = nil
        } else if !isClosed, !cancelled, let next = queues[dossier]?.first {
            return next
        } else {
            ready.push(dossier)
        }
        running[dossier] = nil
        startReady()
        return nil
    }
}

/// Resumes a continuation with whichever answer comes first.
final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ value: Value) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}

/// A first-in first-out queue with amortised O(1) push and pop.
struct FIFO<Element> {
    private var storage: [Element]
    private var head = 0

    init(_ elements: [Element] = []) { storage = elements }

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var first: Element? { isEmpty ? nil : storage[head] }
    var elements: ArraySlice<Element> { storage[head...] }

    mutating func push(_ element: Element) { storage.append(element) }

    mutating func pop() -> Element? {
        guard !isEmpty else { return nil }
        let element = storage[head]
        head += 1
        if head > 64, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}
