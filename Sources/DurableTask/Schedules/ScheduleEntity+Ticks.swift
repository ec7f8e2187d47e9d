import Foundation

extension ScheduleBatch {
    /// A due tick: runs the due times the catch-up policy keeps, records the rest as missed, and
    /// sets the timer of the next one.
    mutating func tick(_ schedule: inout ScheduleDescription, _ signal: ScheduleTickSignal) async throws {
        guard schedule.status == .active, signal.revision == schedule.revision, let nextDue = schedule.nextDue,
            ScheduleTime.millis(nextDue) == signal.due
        else { return }  // a stale timer: the schedule changed since it was set
        let definition = schedule.definition
        var due: [Date] = []
        var cursor: Date? = nextDue
        while let d = cursor, d <= now, due.count < ScheduleEntity.maxDueTimesPerTick {
            if let end = definition.endAt, d > end { break }
            due.append(d)
            cursor = definition.trigger.nextDue(after: d, anchor: schedule.anchor)
        }
        guard !due.isEmpty else {
            // Early (this worker's clock is behind the one that fired the timer): set it again.
            try context.signalEntity(context.id, operation: ScheduleEntity.Operation.tick, input: signal, at: nextDue)
            return
        }
        var run: [Date]
        switch definition.catchUp {
        case .none:
            run = due.last.map { now.timeIntervalSince($0) <= ScheduleCatchUpPolicy.onTimeTolerance.timeInterval ? [$0] : [] } ?? []
        case .latest:
            run = due.last.map { [$0] } ?? []
        case .all(let window):
            run = due.filter { now.timeIntervalSince($0) <= window.timeInterval }
        }
        var resumeFrom: Date?
        if run.count > ScheduleEntity.maxStartsPerBatch {
            resumeFrom = run[ScheduleEntity.maxStartsPerBatch]
            run = Array(run.prefix(ScheduleEntity.maxStartsPerBatch))
        }
        let kept = Set(run)
        for d in due where !kept.contains(d) && resumeFrom.map({ d < $0 }) ?? true {
            schedule.missedCount += 1
            record(&schedule, ScheduleTick(due: d, handledAt: now, outcome: .missed))
        }
        for d in run { try await fire(&schedule, due: d) }
        if let resumeFrom {
            // The rest of a long catch-up goes on in the next batch.
            schedule.nextDue = resumeFrom
            let next = ScheduleTickSignal(revision: schedule.revision, due: ScheduleTime.millis(resumeFrom))
            try context.signalEntity(context.id, operation: ScheduleEntity.Operation.tick, input: next)
        } else {
            try plan(&schedule, after: max(now, due.last ?? nextDue))
        }
    }

    /// One tick that runs: starts the orchestration unless the overlap policy says otherwise.
    private mutating func fire(_ schedule: inout ScheduleDescription, due: Date) async throws {
        if schedule.definition.overlap == .allowAll, case .perTick = schedule.definition.instanceIds {
            try start(&schedule, due: due)  // overlapping runs are fine: no need to ask the store
            return
        }
        guard try await isRunLive(&schedule) else {
            if let stale = schedule.buffered {
                // The run it waited for ended without telling the schedule (purged, say).
                schedule.buffered = nil
                mark(&schedule, bufferedAt: stale, as: .skipped)
                schedule.skippedCount += 1
            }
            try start(&schedule, due: due)
            return
        }
        switch schedule.definition.overlap {
        case .skip:
            skip(&schedule, due)
        case .allowAll:
            skip(&schedule, due)  // a fixed ID holds one live run
        case .bufferOne:
            if schedule.buffered == nil {
                schedule.buffered = due
                record(&schedule, ScheduleTick(due: due, handledAt: now, outcome: .buffered))
            } else {
                skip(&schedule, due)
            }
        case .terminate:
            let live = schedule.running?.instanceId ?? schedule.definition.instanceId(forTick: due)
            context.terminateOrchestration(live, reason: "schedule '\(schedule.definition.id)' started its next run")
            if case .fixed = schedule.definition.instanceIds {
                // The same ID: start once the termination has taken effect (the run's end).
                schedule.buffered = due
                record(&schedule, ScheduleTick(due: due, handledAt: now, outcome: .buffered))
            } else {
                try start(&schedule, due: due)
            }
        }
    }

    private func skip(_ schedule: inout ScheduleDescription, _ due: Date) {
        schedule.skippedCount += 1
        record(&schedule, ScheduleTick(due: due, handledAt: now, outcome: .skipped))
    }

    /// Whether the schedule's last run (with a fixed ID: any run of that ID) is live, as the store
    /// says now. Forgets a run the store no longer shows live.
    private func isRunLive(_ schedule: inout ScheduleDescription) async throws -> Bool {
        if startedRun { return true }  // started by this batch, not committed yet
        let instanceId: String
        switch schedule.definition.instanceIds {
        case .fixed(let fixed): instanceId = fixed
        case .perTick:
            guard let running = schedule.running else { return false }
            instanceId = running.instanceId
        }
        if let metadata = try await store.getInstance(instanceId), metadata.runtimeStatus.isLive {
            return true
        }
        schedule.running = nil
        return false
    }

    /// Starts the run of the tick due at `due`.
    private mutating func start(_ schedule: inout ScheduleDescription, due: Date) throws {
        let definition = schedule.definition
        let tick = ScheduleTime.format(due)
        let started = try context.startOrchestration(
            named: definition.orchestrationName, rawInput: definition.input, instanceId: definition.instanceId(forTick: due),
            version: definition.version, tags: [ScheduleTags.scheduleId: definition.id, ScheduleTags.tick: tick])
        schedule.running = ScheduleRun(instanceId: started.instanceId, executionId: started.executionId, tick: due)
        startedRun = true
        schedule.startedCount += 1
        record(&schedule, ScheduleTick(
            due: due, handledAt: now, outcome: .started, instanceId: started.instanceId, executionId: started.executionId))
    }

    /// A run ended: its tick records the outcome, and a buffered tick starts.
    mutating func runEnded(_ schedule: inout ScheduleDescription, _ ended: ScheduleRunEnded) async throws {
        let outcome: ScheduleTickOutcome =
            switch ended.status {
            case .completed: .completed
            case .terminated: .terminated
            default: .failed
            }
        if let index = schedule.recentTicks.lastIndex(where: {
            $0.instanceId == ended.instanceId && ScheduleTime.format($0.due) == ended.tick && $0.outcome == .started
        }) {
            schedule.recentTicks[index].outcome = outcome
        }
        if let running = schedule.running, running.instanceId == ended.instanceId, ScheduleTime.format(running.tick) == ended.tick {
            schedule.running = nil
        }
        guard let buffered = schedule.buffered, schedule.status == .active, try await !isRunLive(&schedule) else { return }
        schedule.buffered = nil
        if let index = schedule.recentTicks.lastIndex(where: { $0.due == buffered && $0.outcome == .buffered }) {
            schedule.recentTicks.remove(at: index)
        }
        try start(&schedule, due: buffered)
    }

    private func mark(_ schedule: inout ScheduleDescription, bufferedAt due: Date, as outcome: ScheduleTickOutcome) {
        if let index = schedule.recentTicks.lastIndex(where: { $0.due == due && $0.outcome == .buffered }) {
            schedule.recentTicks[index].outcome = outcome
        }
    }

    private func record(_ schedule: inout ScheduleDescription, _ tick: ScheduleTick) {
        schedule.recentTicks.append(tick)
        if schedule.recentTicks.count > ScheduleDescription.historyLimit {
            schedule.recentTicks.removeFirst(schedule.recentTicks.count - ScheduleDescription.historyLimit)
        }
    }
}
