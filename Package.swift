// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features enabled for every target, spelled exactly as the compiler expects.
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "durable-swift",
    // Supported on Linux only (Debian/Ubuntu, see the README). No platform is declared: SwiftPM
    // cannot state a Linux minimum, and declaring an Apple one would claim support we do not test.
    products: [
        .library(name: "DurableTask", targets: ["DurableTask"]),
        .library(name: "DurableTaskTesting", targets: ["DurableTaskTesting"]),
        .library(name: "DurableTaskRedisClient", targets: ["DurableTaskRedisClient"]),
        .library(name: "DurableTaskRedis", targets: ["DurableTaskRedis"]),
        .library(name: "DurableTaskRedisServer", targets: ["DurableTaskRedisServer"]),
        .library(name: "DurableTaskRedisTestSupport", targets: ["DurableTaskRedisTestSupport"]),
        .library(name: "DurableTaskHTTP", targets: ["DurableTaskHTTP"]),
        .library(name: "DurableTaskHost", targets: ["DurableTaskHost"]),
        .library(name: "DurableExamples", targets: ["DurableExamples"]),
        .library(name: "DurableTaskGRPC", targets: ["DurableTaskGRPC"]),
        .executable(name: "durable", targets: ["durable"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // Core: history, actions, replay engine, authoring API, client, worker,
        // storage protocol and the in-memory reference store. No I/O dependencies.
        .target(
            name: "DurableTask",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // Conformance suite every store must pass, plus test helpers.
        .target(
            name: "DurableTaskTesting",
            dependencies: ["DurableTask", .product(name: "Logging", package: "swift-log")]
        ),
        // hiredis from Debian's libhiredis-dev.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // The Redis connection layer over hiredis: one I/O thread per connection, automatic
        // pipelining, reconnect, pool, URLs, replies, EVALSHA scripts. Knows nothing of DurableTask.
        .target(
            name: "DurableTaskRedisClient",
            dependencies: [
                "CHiredis", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The Redis task hub: Lua scripts and the store, over DurableTaskRedisClient.
        .target(
            name: "DurableTaskRedis",
            dependencies: [
                "DurableTaskRedisClient", "DurableTask", .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The one redis-server launcher (a ServiceLifecycle Service): the host's embedded server and
        // the tests' private ones. Child processes through swift-subprocess.
        .target(
            name: "DurableTaskRedisServer",
            dependencies: [
                "DurableTask", "DurableTaskRedisClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Starts private redis-servers, workers and hosts for tests and benchmarks.
        .target(
            name: "DurableTaskRedisTestSupport",
            dependencies: ["DurableTaskRedisServer", .product(name: "Logging", package: "swift-log")]
        ),
        // Connection-layer micro-benchmark (raw hiredis baseline vs RedisConnection); see bench/ConnBench/RESULTS.md.
        .executableTarget(
            name: "ConnBench",
            dependencies: ["CHiredis", "DurableTaskRedisClient", "DurableTaskRedisTestSupport", "DurableTaskRedisServer", .product(name: "Logging", package: "swift-log")],
            path: "bench/ConnBench",
            exclude: ["RESULTS.md"]
        ),
        // A worker process that tests kill with SIGKILL.
        .executableTarget(
            name: "durable-test-worker",
            dependencies: ["DurableTask", "DurableTaskRedis", "DurableTaskTesting", .product(name: "Logging", package: "swift-log")],
            path: "Sources/DurableTaskTestWorker"
        ),
        // The durable HTTP activity (AsyncHTTPClient) and `context.callHttp`.
        .target(
            name: "DurableTaskHTTP",
            dependencies: [
                "DurableTask", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // Host library: management HTTP API (Hummingbird), embedded redis-server, service wiring.
        .target(
            name: "DurableTaskHost",
            dependencies: [
                "DurableTask", "DurableTaskRedis", "DurableTaskRedisClient", "DurableTaskRedisServer", "DurableTaskHTTP",
                "DurableTaskGRPC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Durable Task SDKs' gRPC sidecar (TaskHubSidecarService). Generated/ holds the messages
        // and stubs from protos/orchestrator_service.proto (scripts/generate-proto.sh; committed, since
        // CI does not build the protoc plugins). They are generated with package visibility and
        // access-levelled imports, so they compile under the upcoming features below like every target.
        .target(
            name: "DurableTaskGRPC",
            dependencies: [
                "DurableTask",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The example orchestrations, registered by `durable serve` and run by the example targets.
        .target(
            name: "DurableExamples",
            dependencies: ["DurableTask", "DurableTaskHTTP", .product(name: "Logging", package: "swift-log")],
            path: "Examples/Patterns"
        ),
        // The executable: `durable serve`, and the management CLI (`durable instances|entities|schedules`).
        .executableTarget(
            name: "durable",
            dependencies: [
                "DurableTaskHost", "DurableTaskRedis", "DurableTaskRedisClient", "DurableExamples", "DurableTaskHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(name: "CustomHost", dependencies: ["DurableTaskHost", "DurableTask", .product(name: "Logging", package: "swift-log")], path: "Examples/CustomHost"),
        .executableTarget(name: "FunctionChaining", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/FunctionChaining"),
        .executableTarget(name: "FanOutFanIn", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/FanOutFanIn"),
        .executableTarget(name: "MonitorJobStatus", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/MonitorJobStatus"),
        .executableTarget(name: "BudgetApproval", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/BudgetApproval"),
        .executableTarget(name: "PeriodicCleanup", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/PeriodicCleanup"),
        .executableTarget(
            name: "ScheduledCleanup", dependencies: ["DurableExamples", "DurableTask", .product(name: "Logging", package: "swift-log")],
            path: "Examples/ScheduledCleanup"),
        .executableTarget(
            name: "CheckSiteAvailable",
            dependencies: [
                "DurableExamples", "DurableTask", "DurableTaskHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Examples/CheckSiteAvailable"),
        .executableTarget(name: "RetryFlaky", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/RetryFlaky"),
        .executableTarget(name: "SubOrchestrationParent", dependencies: ["DurableExamples", "DurableTask"], path: "Examples/SubOrchestrationParent"),
        .testTarget(
            name: "DurableTaskTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DurableTaskGRPCTests",
            dependencies: [
                "DurableTask", "DurableTaskGRPC", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"), .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
        .testTarget(
            name: "DurableTaskRedisClientTests",
            dependencies: [
                "DurableTaskRedisClient", "DurableTaskRedisTestSupport", "DurableTaskRedisServer", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DurableTaskRedisTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskRedis", "DurableTaskRedisClient", "DurableTaskRedisTestSupport",
                "DurableTaskRedisServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Chaos: killed, stopped and disconnected workers and redis-servers under load (`make chaos`).
        .testTarget(
            name: "DurableTaskChaosTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskRedis", "DurableTaskRedisClient", "DurableTaskRedisTestSupport",
                "DurableTaskRedisServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DurableTaskHTTPTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskHTTP", "DurableTaskRedis", "DurableTaskRedisTestSupport",
                "DurableTaskRedisServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Property tests (bounded fuzzing) of what reads untrusted input: history JSON, the management
        // API's JSON parser, the time codecs, ID validation and the examples' inputs. fuzz/ holds
        // the libFuzzer targets.
        .testTarget(
            name: "DurablePropertyTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskRedis", "DurableTaskHost", "DurableExamples",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DurableTaskHostTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskHost", "DurableExamples", "DurableTaskRedis",
                "DurableTaskRedisClient", "DurableTaskRedisTestSupport", "DurableTaskRedisServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}
