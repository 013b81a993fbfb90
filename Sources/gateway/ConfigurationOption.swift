import ArgumentParser

/// The `--config FILE` every command that reads the gateway's configuration takes.
struct ConfigurationOption: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file; GATEWAY__section__key environment variables override it.")
    var config: String?
}
