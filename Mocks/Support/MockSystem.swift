/// A mock national system as the dev stack serves it: the one place its name, its port under
/// `gateway mocks`, its dev credentials and the connection a gateway needs for it are written.
///
/// Each mock conforms once and is listed in `MockRegistry`; `gateway mocks`, the dev stack,
/// the process harness and the scripts iterate that list and never name a system.
package protocol MockSystem: Sendable {
    /// The target it stands in for, as the adapter side names it (`dvcqg`).
    static var name: String { get }
    /// The port `gateway mocks` serves it on unless told otherwise.
    static var defaultPort: Int { get }
    /// The secrets this mock accepts, by the environment variable a gateway reads each from.
    static var devSecrets: [String: String] { get }
    /// The `connection` keys a gateway needs for this mock served at `baseURL`: where its
    /// endpoints are and who the gateway is there.
    static func connection(baseURL: String) -> [String: String]
    /// The mock with its dev credentials and default paths.
    init()
    var control: MockControl { get }
    var server: MockServer { get }
}
