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

    package func matches(_ event: DossierEvent) -> Bool {
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
