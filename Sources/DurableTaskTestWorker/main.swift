// A worker process for tests that need to kill a worker with SIGKILL.
// Usage: durable-test-worker <redis-url> <task-hub> <partitions> <lease-ms>
// It registers the conformance orchestrations plus activity "Hang", which never returns here,
// prints "ready" once it serves, and runs until killed.
import DurableTask
import DurableTaskRedis
import DurableTaskTesting
import Foundation
import Logging

let args = CommandLine.arguments
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
let worker = DurableTaskWorker(
    store: store, registry: registry,
    configuration: .init(activityLeaseRenewalInterval: .milliseconds(leaseMs / 3)), logger: logger)
announce("ready")
try await worker.run()
