import DurableTask
import Foundation
import Logging

/// Replay and cached-resume cost of the engine, in process, no store.
enum CoreBench {
    /// An orchestrator that calls `Step` activities one after another.
    static let sequential: OrchestratorFunction = { ctx, input in
        let n = try PayloadCoding.decode(Int.self, from: input)
        var total = 0
        for i in 0..<n { total += try await ctx.callActivity(named: "Step", input: i, returning: Int.self) }
        return try PayloadCoding.encode(total)
    }

    static func makeRunner(_ logger: Logger) -> OrchestrationRunner {
        OrchestrationRunner(instanceId: "bench", logger: logger) { _ in sequential }
    }

    /// Drives the orchestrator through `activities` turns and returns the history plus the last
    /// turn's new events (so the history can be replayed with one more turn on top).
    static func recordHistory(activities: Int, logger: Logger) -> (past: [HistoryEvent], lastTurn: [HistoryEvent]) {
        let runner = makeRunner(logger)
        defer { runner.abandon() }
        var history: [HistoryEvent] = []
        var now = Date(timeIntervalSince1970: 1_700_000_000)
        let start = HistoryEvent(timestamp: now, kind: .executionStarted(ExecutionStartedEvent(
            name: "Seq", instanceId: "bench", executionId: "e", input: String(activities + 1))))
        var next = [start]
        for _ in 0..<activities {
            now += 0.001
            let outcome = runner.execute(past: [], newEvents: next, now: now)
            history += outcome.historyToAppend
            let id = outcome.actions.first!.id
            next = [HistoryEvent(timestamp: now, kind: .taskCompleted(taskScheduledId: id, result: "1"))]
        }
        return (history, next)
    }

    static func run(iterations: Int = 2_000) {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        print("## Core engine (release build, in process)\n")
        row(["measurement", "events", "p50 µs", "p99 µs", "p50 per event µs", "samples"])
        row(["---", "---:", "---:", "---:", "---:", "---:"])
        // Replay: a fresh runner replays the recorded history and runs one more turn.
        for activities in [6, 24, 99] {
            let (past, last) = recordHistory(activities: activities, logger: logger)
            var samples = Samples()
            for i in 0..<(iterations + 100) {
                let runner = makeRunner(logger)
                let t0 = ContinuousClock.now
                let outcome = runner.execute(past: past, newEvents: last, now: Date())
                let elapsed = ContinuousClock.now - t0
                precondition(outcome.runtimeStatus == .running)
                runner.abandon()
                if i >= 100 { samples.add(elapsed) }
            }
            let events = past.count + last.count
            row(["replay \(activities)-activity history + 1 turn", "\(events)", micros(samples.median), micros(samples.p99),
                 micros(samples.median / Double(events)), "\(samples.count)"])
        }
        // Cached resume: one cached runner gets one TaskCompleted per turn.
        do {
            let turns = 5_000
            let runner = makeRunner(logger)
            let start = HistoryEvent(timestamp: Date(), kind: .executionStarted(ExecutionStartedEvent(
                name: "Seq", instanceId: "bench", executionId: "e", input: String(turns + 10))))
            var outcome = runner.execute(past: [], newEvents: [start], now: Date())
            var samples = Samples()
            var appended = 0
            for i in 0..<turns {
                let event = HistoryEvent(timestamp: Date(), kind: .taskCompleted(taskScheduledId: outcome.actions[0].id, result: "1"))
                let t0 = ContinuousClock.now
                outcome = runner.execute(past: [], newEvents: [event], now: Date())
                let elapsed = ContinuousClock.now - t0
                if i >= 100 {
                    samples.add(elapsed)
                    appended += outcome.historyToAppend.count
                }
            }
            runner.abandon()
            let perTurn = Double(appended) / Double(samples.count)
            row(["cached resume: 1 new message per turn", String(format: "%.0f", perTurn), micros(samples.median),
                 micros(samples.p99), micros(samples.median / perTurn), "\(samples.count)"])
        }
        print("\n`events` counts the history events the turn handles: replayed plus new for replay; for a cached turn, the")
        print("events it appends (OrchestratorStarted, the message, the new TaskScheduled, OrchestratorCompleted).")
    }

    /// A tight replay loop for profilers (callgrind).
    static func profileReplay(iterations: Int = 300) {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let (past, last) = recordHistory(activities: 24, logger: logger)
        for _ in 0..<iterations {
            let runner = makeRunner(logger)
            _ = runner.execute(past: past, newEvents: last, now: Date())
            runner.abandon()
        }
    }
}
