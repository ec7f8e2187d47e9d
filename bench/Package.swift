// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in a nested package so the main package's tests stay lean.
let package = Package(
    name: "durable-bench",
    // Supported on Linux only (Debian/Ubuntu, see the README). No platform is declared: SwiftPM
    // cannot state a Linux minimum, and declaring an Apple one would claim support we do not test.
    dependencies: [
        .package(name: "durable-swift", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "DurableBench",
            dependencies: [
                .product(name: "DurableTask", package: "durable-swift"),
                .product(name: "DurableTaskRedis", package: "durable-swift"),
                .product(name: "DurableTaskRedisClient", package: "durable-swift"),
                .product(name: "DurableTaskRedisServer", package: "durable-swift"),
                .product(name: "DurableTaskRedisTestSupport", package: "durable-swift"),
                .product(name: "DurableTaskTesting", package: "durable-swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
    ]
)
