import AdapterSupport
import BCAAdapter
import DVCQGAdapter
import EMCAdapter
import GatewayCore
import HoTichAdapter
import VBDLISAdapter

/// The national systems this build knows. A new system is one more module here.
public enum AdapterRegistry {
    public static var modules: [any AdapterModule.Type] {[
        DVCQGModule.self,
        BCAModule.self,
        VBDLISModule.self,
        HoTichModule.self,
        EMCModule.self,
    ]}

    public static func module(named name: String) -> (any AdapterModule.Type)? {
        modules.first { $0.target.rawValue == name }
    }
}
