// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "national-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "gateway-dev", targets: ["gateway-dev"]),
        .executable(name: "gateway-bench", targets: ["gateway-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
    ],
    targets: [
        // Kafka plumbing: librdkafka behind one internal client, nothing about dossiers.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // What adapters are written against: the event model, the transport seam, answer
        // classification, masking and secrets. No engine, no Kafka, no HTTP client.
        .target(
            name: "GatewayModel",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The delivery engine: lanes, retries, breaker, ledger, parking, routing, records.
        // Adapters cannot import it.
        .target(
            name: "GatewayCore",
            dependencies: [
                "GatewayModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ]
        ),

        // Outbound HTTPS behind GatewayModel's `HTTPTransport` seam.
        .target(
            name: "GatewayHTTP",
            dependencies: [
                "GatewayModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // One module per national system, on a small shared support module.
        .target(
            name: "AdapterSupport",
            dependencies: ["GatewayModel", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Adapters/Support"
        ),
        .target(name: "DVCQGAdapter", dependencies: ["AdapterSupport", "GatewayModel"], path: "Sources/Adapters/DVCQG"),
        .target(name: "BCAAdapter", dependencies: ["AdapterSupport", "GatewayModel"], path: "Sources/Adapters/BCA"),
        .target(name: "VBDLISAdapter", dependencies: ["AdapterSupport", "GatewayModel"], path: "Sources/Adapters/VBDLIS"),
        .target(name: "HoTichAdapter", dependencies: ["AdapterSupport", "GatewayModel"], path: "Sources/Adapters/HoTich"),
        .target(name: "EMCAdapter", dependencies: ["AdapterSupport", "GatewayModel"], path: "Sources/Adapters/EMC"),

        // Wires Kafka, the engine and the adapters into a running gateway.
        .target(
            name: "GatewayRuntime",
            dependencies: [
                "Kafka",
                "GatewayCore",
                "GatewayModel",
                "GatewayHTTP",
                "AdapterSupport",
                "DVCQGAdapter",
                "BCAAdapter",
                "VBDLISAdapter",
                "HoTichAdapter",
                "EMCAdapter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ]
        ),

        // The admin listener: health probes, Prometheus metrics, the status JSON and page.
        .target(
            name: "GatewayAdmin",
            dependencies: [
                "GatewayRuntime", "GatewayCore", "GatewayModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Realistic dossier traffic for the demo, tests and benchmarks.
        .target(name: "SampleTraffic", dependencies: ["GatewayModel"]),

        // Contract-driven mock national systems with fault injection.
        .target(
            name: "MockSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Mocks/Support"
        ),
        .target(
            name: "DVCQGMock",
            dependencies: [
                "MockSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Mocks/DVCQG"
        ),
        .target(
            name: "BCAMock",
            dependencies: ["MockSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Mocks/BCA"
        ),
        .target(
            name: "VBDLISMock",
            dependencies: [
                "MockSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Mocks/VBDLIS"
        ),
        .target(
            name: "HoTichMock",
            dependencies: ["MockSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Mocks/HoTich"
        ),
        .target(
            name: "EMCMock",
            dependencies: ["MockSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Mocks/EMC"
        ),

        // The embedded stack behind `gateway dev` and the integration tests.
        .target(
            name: "GatewayDev",
            dependencies: [
                "GatewayRuntime", "Kafka", "GatewayCore", "GatewayModel", "GatewayHTTP", "MockSupport", "SampleTraffic",
                "DVCQGMock", "BCAMock", "VBDLISMock", "HoTichMock", "EMCMock",
            ]
        ),

        // The production executable: run, config check, contracts verify. No mocks, no dev secrets.
        .executableTarget(
            name: "gateway",
            dependencies: [
                "GatewayRuntime", "GatewayAdmin", "AdapterSupport", "GatewayHTTP", "Kafka", "GatewayCore", "GatewayModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The development tools: `dev`, `kafka` and `mocks`.
        .executableTarget(
            name: "gateway-dev",
            dependencies: [
                "GatewayDev", "GatewayRuntime", "GatewayAdmin",
                .product(name: "Prometheus", package: "swift-prometheus"), "Kafka", "GatewayCore", "GatewayModel", "MockSupport", "SampleTraffic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The benchmark: the gateway, the broker and the mocks as separate processes, measured.
        .executableTarget(
            name: "gateway-bench",
            dependencies: [
                "GatewayDev", "GatewayCore", "GatewayModel", "GatewayRuntime", "GatewayHTTP", "AdapterSupport", "Kafka", "MockSupport",
                "SampleTraffic", "DVCQGMock", "EMCMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/GatewayBenchmark"
        ),

        .testTarget(name: "KafkaTests", dependencies: ["Kafka"]),
        .testTarget(
            name: "ContractTests",
            dependencies: [
                "GatewayRuntime", "AdapterSupport", "GatewayCore", "GatewayModel", "GatewayDev", "GatewayHTTP", "MockSupport", "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GatewayModelTests", dependencies: ["GatewayModel", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "GatewayCoreTests", dependencies: [
            "GatewayCore", "GatewayModel", .product(name: "Logging", package: "swift-log"),
            .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
        ]),
        .testTarget(
            name: "GatewayRuntimeTests",
            dependencies: ["GatewayRuntime", "GatewayCore", "GatewayModel", "AdapterSupport", "HoTichAdapter", "Kafka", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "GatewayHTTPTests", dependencies: [
            "GatewayHTTP", "GatewayCore", "GatewayModel", "MockSupport",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "DVCQGAdapterTests", dependencies: ["DVCQGAdapter", "GatewayModel"]),
        .testTarget(
            name: "DVCQGMockTests",
            dependencies: ["DVCQGMock", "MockSupport", "GatewayDev", "GatewayHTTP", "GatewayModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "AdapterSupportTests", dependencies: ["AdapterSupport", "GatewayModel"]),
        .testTarget(name: "VBDLISAdapterTests", dependencies: ["VBDLISAdapter", "AdapterSupport", "GatewayModel"]),
        .testTarget(name: "BCAAdapterTests", dependencies: ["BCAAdapter", "AdapterSupport", "GatewayModel"]),
        .testTarget(name: "EMCAdapterTests", dependencies: ["EMCAdapter", "AdapterSupport", "GatewayModel"]),
        .testTarget(name: "HoTichAdapterTests", dependencies: ["HoTichAdapter", "AdapterSupport", "GatewayModel"]),
        .testTarget(
            name: "BCAMockTests",
            dependencies: ["BCAMock", "MockSupport", "GatewayDev", "GatewayHTTP", "GatewayModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "VBDLISMockTests",
            dependencies: ["VBDLISMock", "MockSupport", "GatewayDev", "GatewayHTTP", "GatewayModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "EMCMockTests",
            dependencies: ["EMCMock", "MockSupport", "GatewayDev", "GatewayHTTP", "GatewayModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "HoTichMockTests",
            dependencies: ["HoTichMock", "MockSupport", "GatewayDev", "GatewayHTTP", "GatewayModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "MockSupportTests", dependencies: ["MockSupport"]),
        .testTarget(name: "ProcessTests", dependencies: ["GatewayCore", "GatewayModel", "GatewayHTTP", "MockSupport", "SampleTraffic", "GatewayDev"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "GatewayRuntime", "Kafka", "GatewayCore", "GatewayModel", "MockSupport", "SampleTraffic", "GatewayDev",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// `any` is written wherever a protocol is used as a type.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("ExistentialAny")]
}
