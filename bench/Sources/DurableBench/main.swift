import Foundation

// Usage: DurableBench [core|redis|entities|idle|durability|memory|schedules|all] [--quick]
let what = CommandLine.arguments.dropFirst().first ?? "all"
let quick = CommandLine.arguments.contains("--quick")
switch what {
case "core":
    CoreBench.run()
case "redis":
    try await RedisBench.run(quick: quick)
case "entities":
    try await EntityBench.run(quick: quick)
case "idle":
    try await IdleBench.run(quick: quick)
case "durability":
    try await DurabilityBench.run(quick: quick)
case "memory":
    try await MemoryBench.run(quick: quick)
case "schedules":
    try await ScheduleBench.run(quick: quick)
case "all":
    CoreBench.run()
    try await RedisBench.run(quick: quick)
    try await EntityBench.run(quick: quick)
    try await IdleBench.run(quick: quick)
    try await DurabilityBench.run(quick: quick)
    try await MemoryBench.run(quick: quick)
    try await ScheduleBench.run(quick: quick)
case "profile-replay":
    CoreBench.profileReplay()
default:
    print("usage: DurableBench [core|redis|entities|idle|durability|memory|schedules|all] [--quick]")
    exit(2)
}
