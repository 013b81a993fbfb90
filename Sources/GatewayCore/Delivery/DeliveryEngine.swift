import Logging

/// A target's delivery settings.
public struct TargetSettings: Sendable {
    public var retry: RetryPolicy
    /// Deliveries running at once against this target (each a different dossier).
    public var maxInFlight: Int

    public init(retry: RetryPolicy = .default, maxInFlight: Int = 16) {
        self.retry = retry
        self.maxInFlight = maxInFlight
    }
}

/// Runs deliveries in independent lanes, one per target. Within a lane, a dossier's
/// deliveries run one after another in the order submitted; different dossiers run
/// side by side up to the target's in-flight cap.
public final class DeliveryEngine: Sendable {
    public typealias OutcomeHandler = @Sendable (DeliveryOutcome) async -> Void

    private let lanes: [TargetName: TargetLane]

    public init(adapters: [any TargetAdapter], settings: [TargetName: TargetSettings], logger: Logger) {
        var lanes: [TargetName: TargetLane] = [:]
        for adapter in adapters {
            let setting = settings[adapter.target] ?? TargetSettings()
            let executor = DeliveryExecutor(adapter: adapter, policy: setting.retry, logger: logger)
            lanes[adapter.target] = TargetLane(executor: executor, maxInFlight: setting.maxInFlight)
        }
        self.lanes = lanes
    }

    public var targets: [TargetName] { lanes.keys.sorted() }

    /// Queues a delivery; `onOutcome` runs when it ends (not when it is cancelled by shutdown).
    public func submit(_ delivery: Delivery, onOutcome: @escaping OutcomeHandler) async {
        guard let lane = lanes[delivery.target] else {
            preconditionFailure("no lane for target \(delivery.target); the router only routes to configured targets")
        }
        await lane.enqueue(delivery, onOutcome: onOutcome)
    }

    /// Deliveries queued or running, per target.
    public func backlog() async -> [TargetName: Int] {
        var result: [TargetName: Int] = [:]
        for (target, lane) in lanes { result[target] = await lane.backlog }
        return result
    }

    /// Waits until every lane is idle or `deadline` passes, then cancels what still runs.
    public func shutdown(deadline: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        for lane in lanes.values { await lane.close() }
        while clock.now < end {
            var busy = false
            for lane in lanes.values where await lane.backlog > 0 { busy = true }
            if !busy { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        for lane in lanes.values { await lane.cancelAll() }
    }
}

/// One target's queues: per dossier, first in first out.
actor TargetLane {
    private struct Pending {
        let delivery: Delivery
        let onOutcome: DeliveryEngine.OutcomeHandler
    }

    private let executor: DeliveryExecutor
    private let maxInFlight: Int
    private var queues: [String: FIFO<Pending>] = [:]
    private var ready = FIFO<String>()
    private var running: [String: Task<Void, Never>] = [:]
    private var isClosed = false
    private(set) var backlog = 0

    init(executor: DeliveryExecutor, maxInFlight: Int) {
        self.executor = executor
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

    func cancelAll() {
        for task in running.values { task.cancel() }
    }

    private func startReady() {
        while !isClosed, running.count < maxInFlight, let dossier = ready.pop() {
            guard let head = queues[dossier]?.first else { continue }
            let executor = self.executor
            running[dossier] = Task {
                if let outcome = await executor.run(head.delivery) {
                    await head.onOutcome(outcome)
                }
                self.finished(dossier)
            }
        }
    }

    private func finished(_ dossier: String) {
        running[dossier] = nil
        backlog -= 1
        _ = queues[dossier]?.pop()
        if queues[dossier]?.isEmpty ?? true {
            queues[dossier] = nil
        } else {
            ready.push(dossier)
        }
        startReady()
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
