import Synchronization

/// A flag one task raises, once, for others to see: a run that stopped, a feed that failed.
package final class RaisedFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    package init() {}

    package var isRaised: Bool { raised.load(ordering: .acquiring) }
    package func raise() { raised.store(true, ordering: .releasing) }
}
