// A worker process for tests that need to kill a worker with SIGKILL.
// Usage: durable-test-worker <redis-url> <task-hub> <partitions> <lease-ms>
//        durable-test-worker --ids-without-descriptors
// It registers the conformance orchestrations plus activity "Hang", which never returns here, and
// poison work that kills the process (activity "Crash", orchestrations "CrashActivity" and
// "CrashTurn", entity "crashcounter" operation "crash"); prints "ready" once it serves, and runs
// until killed.
// For the chaos tests, environment DURABLE_CHAOS_RUN_LOG=<path> makes activity "Double" append
// "<instance> <task id> <worker pid>" to that file each time it runs (so runs can be counted against results
// applied), and DURABLE_CHAOS_ACTIVITY_MS=<ms> makes it take that long.
import DurableTask
import DurableTaskRedis
import DurableTaskTesting
import Foundation
import Logging

let args = CommandLine.arguments

// `durable-test-worker --ids-without-descriptors`: uses up every file descriptor, then
// schedules three orchestrations on an in-memory store and prints their generated IDs
// and three lease tokens, one per line.
if args.count == 2, args[1] == "--ids-without-descriptors" {
    let store = InMemoryOrchestrationStore()
    let client = DurableTaskClient(store: store)
    // Once first, so the runtime has set up what it needs, then with no descriptor left.
    _ = try await client.scheduleNewOrchestration(named: "Hello", input: "warm-up")
    _ = try await store.lockNextOrchestrationWorkItem(timeout: .milliseconds(100))
    while open("/dev/null", O_RDONLY) >= 0 {}
    var lines: [String] = []
    for _ in 0..<3 {
        lines.append(try await client.scheduleNewOrchestration(named: "Hello", input: "x"))
    }
    for _ in 0..<3 {
        guard let item = try await store.lockNextOrchestrationWorkItem(timeout: .milliseconds(100)) else { exit(3) }
        lines.append(item.lockToken)
    }
    print(lines.joined(separator: "\n"))
    exit(0)
}

guard args.count == 5, let partitions = Int(args[3]), let leaseMs = Int64(args[4]) else {
    FileHandle.standardError.write(Data("usage: durable-test-worker <redis-url> <task-hub> <partitions> <lease-ms>\n".utf8))
    exit(2)
}
/// Writes a line to stdout unbuffered, so the parent test sees it at once.
@Sendable func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

var logger = Logger(label: "durable-test-worker")
logger.logLevel = .warning
let store = try await RedisOrchestrationStore.connect(
    url: args[1],
    configuration: .init(taskHub: args[2], partitions: partitions, leaseTimeout: .milliseconds(leaseMs),
                         maxBlockingWait: .milliseconds(200)),
    logger: logger)
try await store.createTaskHub()
var registry = TestOrchestrations.registry(probe: TestProbe())
registry.addActivity(named: "Hang") { _, _ in
    announce("hanging")
    try await Task.sleep(for: .seconds(3600))
    return nil
}
// Poison work: each of these kills the worker process, every time it is delivered.
registry.addActivity(named: "Crash") { _, _ in
    kill(getpid(), SIGKILL)
    return nil
}
registry.addOrchestrator(named: "CrashActivity") { ctx, _ in
    let _: NoValue = try await ctx.callActivity(named: "Crash")
    return nil
}
registry.addOrchestrator(named: "CrashTurn") { _, _ in
    kill(getpid(), SIGKILL)
    return nil
}
// `crashcounter`: TestCounter, except that operation `crash` kills the process.
if let counter = registry.entity(named: TestCounter.id("x").name) {
    registry.addEntity(named: "crashcounter") { context in
        if context.operationName == "crash" { kill(getpid(), SIGKILL) }
        return try await counter(context)
    }
}
let environment = ProcessInfo.processInfo.environment
if let runLog = environment["DURABLE_CHAOS_RUN_LOG"], let double = registry.activity(named: "Double") {
    let delay = Int(environment["DURABLE_CHAOS_ACTIVITY_MS"] ?? "") ?? 0
    let fd = open(runLog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        FileHandle.standardError.write(Data("durable-test-worker: cannot open \(runLog): errno \(errno)\n".utf8))
        exit(2)
    }
    registry.addActivity(named: "Double") { context, input in
        // One write of one short line to an O_APPEND file: whole lines, even across processes.
        let line = Array("\(context.instanceId) \(context.taskId) \(getpid())\n".utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        return try await double(context, input)
    }
}
let worker = DurableTaskWorker(
    store: store, registry: registry,
    configuration: .init(activityLeaseRenewalInterval: .milliseconds(leaseMs / 3)), logger: logger)
announce("ready")
try await worker.run()
