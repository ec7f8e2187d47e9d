import Foundation

// Usage: DurableBench [core|all]
let what = CommandLine.arguments.dropFirst().first ?? "all"
switch what {
case "core", "all":
    CoreBench.run()
case "profile-replay":
    CoreBench.profileReplay()
default:
    print("usage: DurableBench [core|all]")
    exit(2)
}
