import DurableTask
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation

/// Checks a hub after a scenario: every acknowledged instance completed with the right output,
/// no history has a duplicated or missing event, activity results were applied once and each ran
/// at least once (from the workers' run log), and the entity invariants hold.
struct ChaosVerifier {
    var client: DurableTaskClient
    /// The file the workers append "<instance> <task id>" to on each run of "Double".
    var runLog: String

    func verify(_ accepted: [ChaosInstance], into figures: inout ChaosFigures) async throws {
        figures.instances = accepted.count
        let finished = try await waitForTerminal(accepted, into: &figures)
        let runs = try readRuns()
        for (instance, metadata) in finished {
            checkOutput(instance, metadata, into: &figures)
            let history = try await retrying(for: .seconds(10)) { try await client.getHistory(instance.id) }
            checkHistory(instance, history, runs: runs, into: &figures)
        }
        try await checkEntities(accepted, finished, into: &figures)
    }

    /// Waits (bounded by the settle timeout) until every instance is terminal; counts lost and stuck.
    private func waitForTerminal(_ accepted: [ChaosInstance], into figures: inout ChaosFigures) async throws
        -> [(ChaosInstance, OrchestrationMetadata)]
    {
        let deadline = ContinuousClock.now + ChaosScale.settleTimeout
        var pending = accepted
        var finished: [(ChaosInstance, OrchestrationMetadata)] = []
        var lastSeen: [String: OrchestrationMetadata?] = [:]
        while !pending.isEmpty && ContinuousClock.now < deadline {
            var still: [ChaosInstance] = []
            for instance in pending {
                let metadata = try await retrying(for: .seconds(10)) { try await client.getInstance(instance.id) }
                lastSeen[instance.id] = metadata
                if let metadata, metadata.runtimeStatus.isTerminal { finished.append((instance, metadata)) } else { still.append(instance) }
            }
            pending = still
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        for instance in pending {
            if case .some(.some(let metadata)) = lastSeen[instance.id] {
                figures.stuck += 1
                figures.problem("\(instance.id) (\(instance.name)) stuck in \(metadata.runtimeStatus)")
            } else {
                figures.lost += 1
                figures.problem("\(instance.id) (\(instance.name)) was acknowledged but does not exist")
            }
        }
        return finished
    }

    func checkOutput(_ instance: ChaosInstance, _ metadata: OrchestrationMetadata, into figures: inout ChaosFigures) {
        let ok: Bool
        switch instance.work {
        case .fanOut(let n):
            ok = metadata.runtimeStatus == .completed && (try? PayloadCoding.decode(Int.self, from: metadata.output)) == n * (n + 1)
        case .transfer:
            let outcome = try? PayloadCoding.decode(String.self, from: metadata.output)
            ok = metadata.runtimeStatus == .completed && (outcome == "transferred" || outcome == "insufficient funds")
        case .signals:
            ok = metadata.runtimeStatus == .completed
        }
        if !ok {
            figures.wrong += 1
            figures.problem("\(instance.id) (\(instance.name)) ended \(metadata.runtimeStatus) with \(metadata.output ?? "nil") "
                + "\(metadata.failureDetails.map { "\($0.errorType): \($0.errorMessage)" } ?? "")")
        }
    }

    /// Each scheduling event ID once; each TaskScheduled exactly one result; one start, one end;
    /// for a fan-out, n activities each applied once and run at least once.
    func checkHistory(_ instance: ChaosInstance, _ history: [HistoryEvent], runs: [String: Int], into figures: inout ChaosFigures) {
        var scheduled: [Int: String] = [:]
        var results: [Int: Int] = [:]
        var starts = 0, ends = 0
        var eventIds: Set<Int> = []
        for event in history {
            if event.eventId >= 0, !eventIds.insert(event.eventId).inserted {
                figures.duplicated += 1
                figures.problem("\(instance.id): event ID \(event.eventId) twice (\(event.kind))")
            }
            switch event.kind {
            case .executionStarted: starts += 1
            case .executionCompleted: ends += 1
            case .taskScheduled(let name, _, _): scheduled[event.eventId] = name
            case .taskCompleted(let id, _), .taskFailed(let id, _): results[id, default: 0] += 1
            default: break
            }
        }
        if starts != 1 || ends != 1 {
            if starts > 1 || ends > 1 { figures.duplicated += 1 } else { figures.lost += 1 }
            figures.problem("\(instance.id): \(starts) ExecutionStarted and \(ends) ExecutionCompleted")
        }
        for (id, count) in results where count > 1 || scheduled[id] == nil {
            figures.duplicated += 1
            figures.problem("\(instance.id): \(count) results for task \(id) (scheduled: \(scheduled[id] != nil))")
        }
        for id in scheduled.keys where results[id] == nil {
            figures.lost += 1
            figures.problem("\(instance.id): task \(id) has no result")
        }
        guard case .fanOut(let n) = instance.work else { return }
        let activities = scheduled.filter { $0.value == "Double" }
        if activities.count != n {
            figures.problem("\(instance.id): \(activities.count) activities scheduled for FanOut \(n)")
        }
        for id in activities.keys where results[id] == 1 {
            figures.applied += 1
            let ran = runs["\(instance.id) \(id)", default: 0]
            if ran == 0 { figures.problem("\(instance.id): task \(id) has a result but never ran") }
            figures.reruns += max(0, ran - 1)
        }
    }

    /// How often each "<instance> <task id>" ran, from the run log (whose lines end with the
    /// PID of the worker that ran it).
    private func readRuns() throws -> [String: Int] {
        let text = (try? String(contentsOfFile: runLog, encoding: .utf8)) ?? ""
        var runs: [String: Int] = [:]
        for line in text.split(separator: "\n") { runs[line.split(separator: " ").prefix(2).joined(separator: " "), default: 0] += 1 }
        return runs
    }

    /// Each account ends at its initial balance plus what the completed transfers moved; each
    /// counter at the number of signals sent to it. Entity queues may still drain after the
    /// orchestrations ended (signals are one-way), so this waits, bounded, for the values to match.
    private func checkEntities(
        _ accepted: [ChaosInstance], _ finished: [(ChaosInstance, OrchestrationMetadata)], into figures: inout ChaosFigures
    ) async throws {
        var expected: [EntityID: Int] = [:]
        for account in ChaosPlan.accounts { expected[TestAccount.id(account)] = ChaosPlan.initialBalance }
        for (instance, metadata) in finished {
            switch instance.work {
            case .transfer(let t) where (try? PayloadCoding.decode(String.self, from: metadata.output)) == "transferred":
                expected[TestAccount.id(t.from), default: 0] -= t.amount
                expected[TestAccount.id(t.to), default: 0] += t.amount
            case .signals(let key, let count) where metadata.runtimeStatus == .completed:
                expected[TestCounter.id(key), default: 0] += count
            default: break
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        var actual: [EntityID: Int] = [:]
        repeat {
            for entity in expected.keys { actual[entity] = try await value(of: entity) }
            if actual == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        for (entity, want) in expected.sorted(by: { $0.key.description < $1.key.description }) {
            let got = actual[entity] ?? 0
            guard got != want else { continue }
            if entity.name == TestCounter.id("").name {
                if got > want { figures.duplicated += got - want } else { figures.lost += want - got }
            } else {
                figures.lost += 1
            }
            figures.problem("\(entity): \(got), expected \(want)")
        }
        let total = ChaosPlan.accounts.reduce(0) { $0 + (actual[TestAccount.id($1)] ?? 0) }
        if total != ChaosPlan.initialBalance * ChaosPlan.accounts.count {
            figures.problem("the accounts hold \(total) in total, not \(ChaosPlan.initialBalance * ChaosPlan.accounts.count)")
        }
    }

    private func value(of entity: EntityID) async throws -> Int {
        let state = try await retrying(for: .seconds(10)) { try await client.getEntity(entity)?.state }
        guard let state else { return 0 }
        if entity.name == TestCounter.id("").name { return try PayloadCoding.decode(TestCounter.State.self, from: state).value }
        return try PayloadCoding.decode(Int.self, from: state)
    }
}
