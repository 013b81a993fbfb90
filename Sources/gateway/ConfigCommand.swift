import ArgumentParser
import GatewayRuntime

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the gateway's configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a configuration file (with the environment's overrides) and print the effective configuration, secrets masked."
        )

        @OptionGroup var options: ConfigurationOption

        func run() async throws {
            do {
                let configuration = try GatewayConfiguration.load(path: options.config)
                print(configuration.effectiveJSON())
            } catch {
                print("invalid configuration: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
