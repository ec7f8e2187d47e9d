import DurableTask
import Foundation

extension ConformanceSuite {
    static var schedules: [ConformanceScenario] {
        [
            ConformanceScenario("an interval schedule starts one instance per tick, in phase") { make in
                try await withHost(make) { host in
                    let definition = ScheduleDefinition(
                        id: "every-200ms", trigger: .interval(.milliseconds(200)), orchestrationName: "Hello", input: #""tick""#,
                        overlap: .allowAll, catchUp: .all(window: .seconds(60)))
                    let created = try await host.client.createSchedule(definition)
                    try requireEqual(created.status, .active)
                    try await waitUntil("five ticks", timeout: .seconds(15)) {
                        try await host.client.describeSchedule("every-200ms").map { $0.startedCount >= 5 } ?? false
                    }
                    let paused = try await host.client.pauseSchedule("every-200ms", reason: "test")
                    let ticks = try await scheduleInstances(host, prefix: "every-200ms:")
                    try requireEqual(ticks.count, paused.startedCount, "one instance per started tick")
                    // Tick n is due at anchor + n·200ms: consecutive, none skipped or repeated.
                    let dues = ticks.map(\.due).sorted()
                    for (a, b) in zip(dues, dues.dropFirst()) {
                        try requireEqual(ScheduleTime.millis(b) - ScheduleTime.millis(a), 200, "ticks \(dues)")
                    }
                    try requireEqual((ScheduleTime.millis(dues[0]) - ScheduleTime.millis(created.anchor)) % 200, 0)
                    for tick in ticks {
                        let done = try await host.client.waitForInstanceCompletion(tick.instanceId)
                        try requireEqual(try done.output(as: String.self), "Hello tick!")
                    }
                    try await waitUntil("outcomes recorded") {
                        let ticks = try await host.client.describeSchedule("every-200ms")?.recentTicks ?? []
                        return ticks.allSatisfy { $0.outcome == .completed }
                    }
                }
            },
            ConformanceScenario("schedule management: duplicate create, update, pause, resume and delete") { make in
                try await withHost(make) { host in
                    let client = host.client
                    var definition = ScheduleDefinition(
                        id: "managed", trigger: .interval(.milliseconds(150)), orchestrationName: "Hello", input: #""one""#)
                    try await client.createSchedule(definition)
                    try await requireThrows("a second create", { try await client.createSchedule(definition) }) {
                        ($0 as? DurableTaskError)?.code == .scheduleAlreadyExists
                    }
                    let missing = ScheduleDefinition(id: "missing", trigger: .interval(.seconds(1)), orchestrationName: "Hello")
                    try await requireThrows("an update of a missing schedule", { try await client.updateSchedule(missing) }) {
                        ($0 as? DurableTaskError)?.code == .scheduleNotFound
                    }
                    try await requireThrows("a pause of a missing schedule", { try await client.pauseSchedule("missing") }) {
                        ($0 as? DurableTaskError)?.code == .scheduleNotFound
                    }
                    try await waitUntil("a tick") { try await client.describeSchedule("managed")?.startedCount ?? 0 >= 1 }

                    // Update while running: later ticks take the new input.
                    definition.input = #""two""#
                    let updated = try await client.updateSchedule(definition)
                    try require(updated.revision > 1, "the revision moved")
                    let before = updated.startedCount
                    try await waitUntil("a tick after the update") {
                        try await client.describeSchedule("managed")?.startedCount ?? 0 >= before + 2
                    }
                    let after = try await scheduleInstances(host, prefix: "managed:").filter { $0.count > before }
                    try require(!after.isEmpty, "ticks after the update")
                    for tick in after {
                        try requireEqual(try await client.getInstance(tick.instanceId)?.input, #""two""#)
                    }

                    // Pause: no tick while paused; resume: ticks again.
                    let paused = try await client.pauseSchedule("managed", reason: "maintenance")
                    try requireEqual(paused.status, .paused)
                    try requireEqual(paused.pauseReason, "maintenance")
                    try require(paused.nextDue == nil, "no next due time while paused")
                    try await Task.sleep(for: .milliseconds(600))
                    let stillPaused = try await client.describeSchedule("managed")
                    try requireEqual(stillPaused?.startedCount, paused.startedCount, "no tick while paused")
                    let resumed = try await client.resumeSchedule("managed")
                    try requireEqual(resumed.status, .active)
                    try await waitUntil("a tick after resuming") {
                        try await client.describeSchedule("managed")?.startedCount ?? 0 > paused.startedCount
                    }

                    // Delete: gone, and no more ticks.
                    try await client.deleteSchedule("managed")
                    let gone = try await client.describeSchedule("managed")
                    try require(gone == nil, "deleted")
                    let count = try await scheduleInstances(host, prefix: "managed:").count
                    try await Task.sleep(for: .milliseconds(500))
                    try requireEqual(try await scheduleInstances(host, prefix: "managed:").count, count, "no tick after delete")
                    try await requireThrows("a second delete", { try await client.deleteSchedule("managed") }) {
                        ($0 as? DurableTaskError)?.code == .scheduleNotFound
                    }
                    let listed = try await client.listSchedules().schedules
                    try require(listed.isEmpty, "no schedule listed")
                }
            },
            ConformanceScenario("overlap skip: ticks during a live run are skipped") { make in
                try await withHost(make) { host in
                    try await host.client.createSchedule(ScheduleDefinition(
                        id: "slow-skip", trigger: .interval(.milliseconds(100)), orchestrationName: "Timer", input: "450",
                        overlap: .skip))
                    try await waitUntil("three runs", timeout: .seconds(15)) {
                        try await host.client.describeSchedule("slow-skip")?.startedCount ?? 0 >= 3
                    }
                    let schedule = try await host.client.pauseSchedule("slow-skip")
                    // Skipped, or (on a loaded machine, handled together with a later one) missed.
                    try require(schedule.skippedCount + schedule.missedCount >= 2, "skipped \(schedule.skippedCount)")
                    try requireNoOverlap(try await runSpans(host, prefix: "slow-skip:"))
                }
            },
            ConformanceScenario("overlap bufferOne: one tick waits and starts when the run ends") { make in
                try await withHost(make) { host in
                    try await host.client.createSchedule(ScheduleDefinition(
                        id: "slow-buffer", trigger: .interval(.milliseconds(100)), orchestrationName: "Timer", input: "350",
                        overlap: .bufferOne))
                    try await waitUntil("three runs", timeout: .seconds(15)) {
                        try await host.client.describeSchedule("slow-buffer")?.startedCount ?? 0 >= 3
                    }
                    let schedule = try await host.client.pauseSchedule("slow-buffer")
                    let spans = try await runSpans(host, prefix: "slow-buffer:")
                    try requireNoOverlap(spans)
                    // Each later run is a tick that came due while its predecessor ran and waited
                    // for it: buffered, then started when the predecessor ended.
                    let sorted = spans.sorted { $0.start < $1.start }
                    for (a, b) in zip(sorted, sorted.dropFirst()) {
                        let due = ScheduleTime.parse(String(b.id.dropFirst("slow-buffer:".count))) ?? .distantFuture
                        try require(due < a.end, "run \(b.id) was due after \(a.id) ended, so it was not buffered")
                    }
                    try require(schedule.skippedCount + schedule.missedCount >= 1, "later ticks skipped while one waits")
                }
            },
            ConformanceScenario("overlap terminate: a new tick terminates the live run") { make in
                try await withHost(make) { host in
                    try await host.client.createSchedule(ScheduleDefinition(
                        id: "slow-term", trigger: .interval(.milliseconds(200)), orchestrationName: "WaitEvent", overlap: .terminate))
                    try await waitUntil("three runs", timeout: .seconds(15)) {
                        try await host.client.describeSchedule("slow-term")?.startedCount ?? 0 >= 3
                    }
                    let schedule = try await host.client.pauseSchedule("slow-term")
                    let instances = try await scheduleInstances(host, prefix: "slow-term:").sorted { $0.due < $1.due }
                    for tick in instances.dropLast() {
                        try await waitUntil("\(tick.instanceId) terminated") {
                            try await host.client.getInstance(tick.instanceId)?.runtimeStatus == .terminated
                        }
                    }
                    try requireEqual(schedule.skippedCount, 0)
                    if let last = instances.last { try await host.client.terminate(last.instanceId) }
                }
            },
            ConformanceScenario("a fixed instance ID makes a singleton job that ticks reuse") { make in
                try await withHost(make) { host in
                    try await host.client.createSchedule(ScheduleDefinition(
                        id: "singleton", trigger: .interval(.milliseconds(100)), orchestrationName: "Timer", input: "150",
                        instanceIds: .fixed("the-job")))
                    try await waitUntil("three runs", timeout: .seconds(15)) {
                        try await host.client.describeSchedule("singleton")?.startedCount ?? 0 >= 3
                    }
                    let schedule = try await host.client.pauseSchedule("singleton")
                    let started = schedule.recentTicks.filter { $0.instanceId != nil }
                    try require(started.allSatisfy { $0.instanceId == "the-job" }, "one instance ID")
                    try requireEqual(Set(started.compactMap(\.executionId)).count, started.count, "a new execution per run")
                    try require(schedule.skippedCount + schedule.missedCount >= 1, "ticks during a run are skipped")
                    let perTick = try await scheduleInstances(host, prefix: "singleton:")
                    try require(perTick.isEmpty, "no per-tick instances")
                }
            },
            ConformanceScenario("ticks missed while no worker ran: catch-up all runs each, latest only the last") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                try await TestHost.run(store: store) { host in
                    for (id, policy) in [("catch-all", ScheduleCatchUpPolicy.all(window: .seconds(60))), ("catch-latest", .latest)] {
                        try await host.client.createSchedule(ScheduleDefinition(
                            id: id, trigger: .interval(.milliseconds(200)), orchestrationName: "Hello", input: #""x""#,
                            overlap: .allowAll, catchUp: policy))
                    }
                    try await waitUntil("a tick each") {
                        let all = try await host.client.describeSchedule("catch-all")?.startedCount ?? 0
                        let latest = try await host.client.describeSchedule("catch-latest")?.startedCount ?? 0
                        return all >= 1 && latest >= 1
                    }
                }
                // No worker runs: about five ticks come due.
                let stopped = try await client.describeSchedule("catch-all")
                try await Task.sleep(for: .milliseconds(1_100))
                try await TestHost.run(store: store) { host in
                    try await waitUntil("caught up") {
                        let all = try await host.client.describeSchedule("catch-all")
                        return (all?.nextDue ?? .distantPast) > Date()
                    }
                    let all = try await host.client.pauseSchedule("catch-all")
                    let latest = try await host.client.pauseSchedule("catch-latest")
                    let dues = try await scheduleInstances(host, prefix: "catch-all:").map(\.due).sorted()
                    for (a, b) in zip(dues, dues.dropFirst()) {
                        try requireEqual(ScheduleTime.millis(b) - ScheduleTime.millis(a), 200, "catch-up all: no tick lost, \(dues)")
                    }
                    try requireEqual(all.missedCount, 0)
                    try require(
                        all.startedCount >= (stopped?.startedCount ?? 0) + 4,
                        "the missed ticks ran: \(stopped?.startedCount ?? 0) then \(all.startedCount), \(all.recentTicks.map { "\(ScheduleTime.format($0.due)) \($0.outcome) \(ScheduleTime.format($0.handledAt))" })")
                    try require(latest.missedCount >= 3, "catch-up latest drops the older ticks (\(latest.missedCount))")
                    try require(latest.recentTicks.contains { $0.outcome == .missed }, "missed ticks recorded")
                }
            },
        ]
    }

    /// The instances a schedule started whose IDs begin with `prefix`, with their tick times.
    static func scheduleInstances(_ host: TestHost, prefix: String) async throws
        -> [(instanceId: String, due: Date, count: Int)]
    {
        let page = try await host.client.queryInstances(InstanceQuery(instanceIdPrefix: prefix, pageSize: 10_000))
        var found: [(instanceId: String, due: Date)] = []
        for instance in page.instances {
            if let due = ScheduleTime.parse(String(instance.instanceId.dropFirst(prefix.count))) { found.append((instance.instanceId, due)) }
        }
        found.sort { $0.due < $1.due }
        return found.enumerated().map { (instanceId: $0.element.instanceId, due: $0.element.due, count: $0.offset + 1) }
    }

    /// When each run started and ended (as its history says).
    static func runSpans(_ host: TestHost, prefix: String) async throws -> [(id: String, start: Date, end: Date)] {
        var spans: [(id: String, start: Date, end: Date)] = []
        for tick in try await scheduleInstances(host, prefix: prefix) {
            let done = try await host.client.waitForInstanceCompletion(tick.instanceId)
            let history = try await host.client.getHistory(tick.instanceId)
            guard let start = history.first?.timestamp, let end = history.last?.timestamp else { continue }
            spans.append((done.instanceId, start, end))
        }
        return spans
    }

    /// Requires that no two runs were live at once.
    static func requireNoOverlap(_ spans: [(id: String, start: Date, end: Date)], file: StaticString = #fileID, line: UInt = #line)
        throws
    {
        let sorted = spans.sorted { $0.start < $1.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            try require(b.start >= a.end, "\(b.id) started before \(a.id) ended", file: file, line: line)
        }
    }
}
