import Foundation

// Usage: DurableBench [core|redis|all] [--quick]
let what = CommandLine.arguments.dropFirst().first ?? "all"
let quick = CommandLine.arguments.contains("--quick")
switch what {
case "core":
    CoreBench.run()
case "redis":
    try await RedisBench.run(quick: quick)
case "all":
    CoreBench.run()
    try await RedisBench.run(quick: quick)
case "profile-replay":
    CoreBench.profileReplay()
default:
    print("usage: DurableBench [core|redis|all] [--quick]")
    exit(2)
}
