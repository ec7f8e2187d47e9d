import DurableTask
import Foundation

extension ConformanceSuite {
    static var instances: [ConformanceScenario] {
        [
            ConformanceScenario("reuse policies: fail, use existing, terminate existing, replace finished") { make in
                try await withHost(make) { host in
                    let id = "singleton-\(RandomIdentifier.uuidString())"
                    let first = try await host.client.scheduleNewOrchestration(
                        named: "WaitEvent", rawInput: "1", options: .init(instanceId: id))
                    try require(first.created)
                    try await requireThrows("fail policy") {
                        try await host.client.scheduleNewOrchestration(named: "WaitEvent", rawInput: "1", options: .init(instanceId: id))
                    } matches: { ($0 as? DurableTaskError)?.code == .instanceAlreadyExists }
                    let existing = try await host.client.scheduleNewOrchestration(
                        named: "WaitEvent", rawInput: "1", options: .init(instanceId: id, reusePolicy: .useExisting))
                    try require(!existing.created)
                    try requireEqual(existing.executionId, first.executionId)
                    let replaced = try await host.client.scheduleNewOrchestration(
                        named: "Hello", rawInput: "\"new\"", options: .init(instanceId: id, reusePolicy: .terminateExisting))
                    try require(replaced.created)
                    try require(replaced.executionId != first.executionId)
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try requireEqual(try done.output(as: String.self), "Hello new!")
                    try requireEqual(done.name, "Hello")
                    // A finished instance is replaced under the default policy.
                    let again = try await host.client.scheduleNewOrchestration(
                        named: "Hello", rawInput: "\"again\"", options: .init(instanceId: id))
                    try require(again.created)
                    try requireEqual(try await host.client.waitForInstanceCompletion(id).output(as: String.self), "Hello again!")
                }
            },
            ConformanceScenario("concurrent starts of one singleton ID yield exactly one instance") { make in
                try await withHost(make) { host in
                    let id = "race-\(RandomIdentifier.uuidString())"
                    let results = try await withThrowingTaskGroup(of: CreateInstanceResult?.self) { group in
                        for _ in 0..<20 {
                            group.addTask {
                                do {
                                    return try await host.client.scheduleNewOrchestration(
                                        named: "WaitEvent", rawInput: "1", options: .init(instanceId: id))
                                } catch let e as DurableTaskError where e.code == .instanceAlreadyExists {
                                    return nil
                                }
                            }
                        }
                        return try await group.reduce(into: [CreateInstanceResult?]()) { $0.append($1) }
                    }
                    try requireEqual(results.compactMap { $0 }.count, 1)
                    let shared = try await withThrowingTaskGroup(of: String.self) { group in
                        for _ in 0..<20 {
                            group.addTask {
                                try await host.client.scheduleNewOrchestration(
                                    named: "WaitEvent", rawInput: "1", options: .init(instanceId: id, reusePolicy: .useExisting)
                                ).executionId
                            }
                        }
                        return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                    }
                    try requireEqual(shared, [results.compactMap { $0 }.first!.executionId])
                    try await host.client.terminate(id)
                }
            },
            ConformanceScenario("signal-with-start starts once and delivers every signal") { make in
                try await withHost(make) { host in
                    let id = "sws-\(RandomIdentifier.uuidString())"
                    let a = try await host.client.signalWithStart(
                        orchestratorNamed: "WaitEvent", instanceId: id, input: 2, eventName: "Approval", eventPayload: "one")
                    let b = try await host.client.signalWithStart(
                        orchestratorNamed: "WaitEvent", instanceId: id, input: 2, eventName: "Approval", eventPayload: "two")
                    try require(a.created)
                    try require(!b.created)
                    try requireEqual(a.executionId, b.executionId)
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try requireEqual(try done.output(as: [String].self), ["one", "two"])
                }
            },
            ConformanceScenario("purge by ID and by filter") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("Hello", input: "p")
                    let live = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    let purgedOne = try await host.client.purgeInstance(done.instanceId)
                    try require(purgedOne)
                    let gone = try await host.client.getInstance(done.instanceId)
                    try requireEqual(gone, nil)
                    try requireEqual(try await host.client.getHistory(done.instanceId).count, 0)
                    let purgedAgain = try await host.client.purgeInstance(done.instanceId)
                    try require(!purgedAgain, "second purge deletes nothing")
                    try await requireThrows("purging a live instance") {
                        try await host.client.purgeInstance(live)
                    } matches: { ($0 as? DurableTaskError)?.code == .invalidArgument }
                    let before = Date()
                    for i in 0..<3 { _ = try await host.runToCompletion("Hello", input: "f\(i)") }
                    let failed = try await host.runToCompletion("Uncaught")
                    let purged = try await host.client.purgeInstances(PurgeInstancesFilter(createdFrom: before, statuses: [.completed]))
                    try requireEqual(purged, 3)
                    let failedKept = try await host.client.getInstance(failed.instanceId)
                    let liveKept = try await host.client.getInstance(live)
                    try require(failedKept != nil, "failed instance must remain")
                    try require(liveKept != nil, "live instance must remain")
                    try await host.client.terminate(live)
                }
            },
            ConformanceScenario("query by status, time, name and prefix, with paging") { make in
                try await withHost(make) { host in
                    let prefix = "q\(RandomIdentifier.uuidString().prefix(6))-"
                    let before = Date()
                    for i in 0..<25 {
                        _ = try await host.client.scheduleNewOrchestration(
                            named: "Hello", input: "q\(i)", options: .init(instanceId: "\(prefix)\(String(format: "%02d", i))"))
                    }
                    let waiting = try await host.client.scheduleNewOrchestration(
                        named: "WaitEvent", input: 1, options: .init(instanceId: "\(prefix)waiting"))
                    for i in 0..<25 { _ = try await host.client.waitForInstanceCompletion("\(prefix)\(String(format: "%02d", i))") }
                    var seen: [String] = []
                    var token: String?
                    var pages = 0
                    repeat {
                        let page = try await host.client.queryInstances(InstanceQuery(
                            statuses: [.completed], instanceIdPrefix: prefix, pageSize: 10, continuationToken: token))
                        seen += page.instances.map(\.instanceId)
                        token = page.continuationToken
                        pages += 1
                    } while token != nil && pages < 10
                    try requireEqual(pages, 3)
                    try requireEqual(seen.count, 25)
                    try requireEqual(Set(seen).count, 25)
                    let byName = try await host.client.queryInstances(InstanceQuery(name: "WaitEvent", instanceIdPrefix: prefix))
                    try requireEqual(byName.instances.map(\.instanceId), [waiting])
                    let running = try await host.client.queryInstances(
                        InstanceQuery(statuses: [.running, .pending], instanceIdPrefix: prefix))
                    try requireEqual(running.instances.map(\.instanceId), [waiting])
                    let none = try await host.client.queryInstances(
                        InstanceQuery(createdTo: before.addingTimeInterval(-60), instanceIdPrefix: prefix))
                    try requireEqual(none.instances.count, 0)
                    let slim = try await host.client.queryInstances(
                        InstanceQuery(instanceIdPrefix: prefix, pageSize: 1, fetchInputsAndOutputs: false))
                    try requireEqual(slim.instances.first?.input, nil)
                    try await host.client.terminate(waiting)
                }
            },
        ]
    }
}
