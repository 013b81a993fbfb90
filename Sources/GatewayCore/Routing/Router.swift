/// One row of the routing table: which events go to which target, with which operations.
/// Every condition given must hold; an absent condition matches everything.
public struct RouteRule: Codable, Sendable, Equatable {
    /// Event short names (`received`, `progressed`, …).
    public var events: [String]?
    /// Procedure codes (mã TTHC).
    public var procedures: [String]?
    /// Field codes (mã lĩnh vực).
    public var fields: [String]?
    /// Liên thông modules (`LTKS`, `LTKT`).
    public var modules: [String]?
    public var target: TargetName
    public var operations: [String]

    public init(events: [String]? = nil, procedures: [String]? = nil, fields: [String]? = nil, modules: [String]? = nil, target: TargetName, operations: [String]) {
        self.events = events
        self.procedures = procedures
        self.fields = fields
        self.modules = modules
        self.target = target
        self.operations = operations
    }

    func matches(_ event: DossierEvent) -> Bool {
        let data = event.data
        if let events, !events.contains(event.type.shortName) { return false }
        if let procedures, !procedures.contains(data.procedure.code) { return false }
        if let fields, !fields.contains(data.field.code) { return false }
        if let modules {
            guard let module = data.procedure.interconnectModule, modules.contains(module) else { return false }
        }
        return true
    }
}

/// Where an event goes: one target and its operations in order.
public struct Route: Sendable, Equatable {
    public let target: TargetName
    public let operations: [String]

    public init(target: TargetName, operations: [String]) {
        self.target = target
        self.operations = operations
    }
}

/// Fans events out to targets by the routing table.
public struct Router: Sendable {
    public let rules: [RouteRule]

    /// Checks the table against the adapters that are running.
    public init(rules: [RouteRule], adapters: [any TargetAdapter]) throws(ConfigurationError) {
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
    public func routes(for event: DossierEvent) -> [Route] {
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
