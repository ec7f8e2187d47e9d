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
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DurableTask", targets: ["DurableTask"]),
        .library(name: "DurableTaskTesting", targets: ["DurableTaskTesting"]),
        .library(name: "DurableTaskRedis", targets: ["DurableTaskRedis"]),
        .library(name: "DurableTaskRedisTestSupport", targets: ["DurableTaskRedisTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
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
            ]
        ),
        // Conformance suite every store must pass, plus test helpers.
        .target(
            name: "DurableTaskTesting",
            dependencies: ["DurableTask", .product(name: "Logging", package: "swift-log")]
        ),
        // hiredis from Debian's libhiredis-dev.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // The Redis task hub: connection layer over hiredis, Lua scripts, the store.
        .target(
            name: "DurableTaskRedis",
            dependencies: [
                "CHiredis", "DurableTask", .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Starts private redis-server processes for tests and benchmarks.
        .target(name: "DurableTaskRedisTestSupport"),
        // Connection-layer micro-benchmark (raw hiredis baseline vs RedisConnection); see bench/ConnBench/RESULTS.md.
        .executableTarget(
            name: "ConnBench",
            dependencies: ["CHiredis", "DurableTaskRedis", "DurableTaskRedisTestSupport", .product(name: "Logging", package: "swift-log")],
            path: "bench/ConnBench",
            exclude: ["RESULTS.md"]
        ),
        // A worker process that tests kill with SIGKILL.
        .executableTarget(
            name: "durable-test-worker",
            dependencies: ["DurableTask", "DurableTaskRedis", "DurableTaskTesting", .product(name: "Logging", package: "swift-log")],
            path: "Sources/DurableTaskTestWorker"
        ),
        .executableTarget(
            name: "FunctionChaining",
            dependencies: ["DurableTask", .product(name: "Logging", package: "swift-log")],
            path: "Examples/FunctionChaining"
        ),
        .executableTarget(
            name: "FanOutFanIn",
            dependencies: ["DurableTask", .product(name: "Logging", package: "swift-log")],
            path: "Examples/FanOutFanIn"
        ),
        .testTarget(
            name: "DurableTaskTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DurableTaskRedisConnectionTests",
            dependencies: [
                "DurableTaskRedis", "DurableTaskRedisTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DurableTaskRedisTests",
            dependencies: [
                "DurableTask", "DurableTaskTesting", "DurableTaskRedis", "DurableTaskRedisTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}
