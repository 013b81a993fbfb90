import ArgumentParser
import Foundation
import GatewayDev
import Kafka
import Logging

struct KafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Run an embedded Kafka broker (librdkafka's mock cluster) on loopback with the gateway's topics."
    )

    @Option(help: "Partitions of each topic.")
    var partitions = 6

    @Option(help: "Topics to create.")
    var topics = DevStack.allTopics

    @Option(help: "Also write the bootstrap address to this file.")
    var bootstrapFile: String?

    func run() async throws {
        let cluster = try KafkaMockCluster()
        for topic in topics { try cluster.createTopic(topic, partitions: partitions) }
        if let bootstrapFile {
            try Data(cluster.bootstrapServers.utf8).write(to: URL(fileURLWithPath: bootstrapFile))
        }
        print("bootstrap.servers=\(cluster.bootstrapServers)")
        print("topics: \(topics.joined(separator: ", ")) (\(partitions) partitions each); Ctrl-C stops the broker")
        fflush(nil)
        try await Termination.wait(logger: Logger(label: "kafka"))
        withExtendedLifetime(cluster) {}
    }
}
