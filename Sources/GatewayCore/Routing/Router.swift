import GatewayModel

/// Where an event goes: one target and its operations in order.
package struct Route: Sendable, Equatable {
    package let target: TargetName
    package let operations: [String]

    package init(target: TargetName, operations: [String]) {
        self.target = target
        self.operations = operations
    }
}

/// Fans events out to targets by the routing table.
package struct Router: Sendable {
    package let rules: [RouteRule]

    /// Checks the table against the adapters that are running.
    package init(rules: [RouteRule], adapters: [any TargetAdapter]) throws(ConfigurationError) {
        let known = Dictionary(uniqueKeysWithValues: adapters.map { ($0.target, $0.operations) })
        for rule in rules {
            guard let operations = known[rule.target] else {
                throw ConfigurationError("route to \(rule.target): no such target is configured and enabled")
            }
            for operation in rule.operations where !operations.contains(operation) {
                throw ConfigurationError("route to \(rule.target): unknown operation \(operation); known: \(operations.sorted().joined(separator: ", "))")
            }
            for event in rule.events ?? [] where DossierEventType(shortName: event) == nil {
                throw ConfigurationError("route to \(rule.target): unknown event \(event)")
            }
        }
        self.rules = rules
    }

    /// Targets in table order, each with its operations merged in table order.
    package func routes(for event: DossierEvent) -> [Route] {
        var order: [TargetName] = []
        var operations: [TargetName: [String]] = [:]
        for rule in rules where rule.matches(event) {
            if operations[rule.target] == nil {
                order.append(rule.target)
                operations[rule.target] = []
            }
            for operation in rule.operations where !operations[rule.target]!.contains(operation) {
                operations[rule.target]!.append(operation)
            }
        }
        return order.map { Route(target: $0, operations: operations[$0]!) }
    }
}
