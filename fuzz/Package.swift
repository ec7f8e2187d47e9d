// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets, one executable each, in a nested package (like bench/) so that the main
// package's build and tests never see -sanitize=fuzzer. See README.md; `make fuzz` runs them.
//
// Internal code under test (the management API's JSON parser and timestamps, the Redis codec)
// is compiled into the targets from symbolic links to the real source files, so the targets
// depend on the core module alone and never build Hummingbird, NIO, gRPC or hiredis.
let core = Target.Dependency.product(name: "DurableTask", package: "durable-swift")

let package = Package(
    name: "durable-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "durable-swift", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        // The management API's JSON parser (JSONParser.swift, JSONValue.swift, and the core's JSONString.swift,
        // which is package-internal there).
        .executableTarget(name: "FuzzJSONParser", dependencies: ["FuzzSupport", core]),
        // History JSON through the Redis codec and the API's history rendering.
        .executableTarget(name: "FuzzHistoryDecoding", dependencies: ["FuzzSupport", core]),
        // DurableTime, the Redis codec's milliseconds and the API's timestamps.
        .executableTarget(name: "FuzzTimeCodec", dependencies: ["FuzzSupport", core]),
        // Instance and entity ID validation and parsing.
        .executableTarget(name: "FuzzIdentifiers", dependencies: ["FuzzSupport", core]),
        // The examples that take numbers, run on the in-memory store.
        .executableTarget(
            name: "FuzzExampleInputs", dependencies: ["FuzzSupport", core, .product(name: "Logging", package: "swift-log")]),
    ]
)
