import Foundation
public import Logging
public import Metrics
public import ServiceLifecycle
public import Tracing
import Synchronization

/// Runs orchestrations and activities from a store: a ServiceLifecycle `Service`.
///
/// On graceful shutdown it stops leasing new work and lets in-flight turns and activities
/// finish and commit. If it is cancelled outright, running activities see cancellation and
/// their work items are abandoned (released to another worker), never lost.
public final class DurableTaskWorker: Service {
    /// Worker settings.
    public struct Configuration: Sendable {
        /// Concurrent orchestration turns.
        public var orchestrationConcurrency: Int
        /// Concurrent activities.
        public var activityConcurrency: Int
        /// How many suspended orchestrations to keep in memory (0 disables the cache).
        public var runnerCacheCapacity: Int
        /// How long one lease request blocks waiting for work; bounds graceful-shutdown latency.
        public var lockWaitTimeout: Duration
        /// How often a running activity renews its lease. Keep it below the store's lease timeout.
        public var activityLeaseRenewalInterval: Duration
        /// Which orchestration versions this worker runs; every version by default.
        public var versioning: VersioningOptions
        /// How long a turn this worker rejects for its version is held before it is released for
        /// another worker (keeps a lone mismatched worker from spinning on it).
        public var versionRejectDelay: Duration
        /// The poison limit: how many times one orchestration turn, entity batch or activity may
        /// be delivered without completing (its worker crashed, hung past its lease or failed to
        /// commit). The next delivery fails it instead of running it: an orchestration fails its
        /// instance, an activity fails its task, an entity fails the one operation. 0 disables it.
        public var maxDeliveryCount: Int

        /// Creates a configuration.
        public init(
            orchestrationConcurrency: Int = 4, activityConcurrency: Int = 16, runnerCacheCapacity: Int = 10_000,
            lockWaitTimeout: Duration = .seconds(1), activityLeaseRenewalInterval: Duration = .seconds(10),
            versioning: VersioningOptions = VersioningOptions(), versionRejectDelay: Duration = .seconds(1),
            maxDeliveryCount: Int = 5
        ) {
            self.maxDeliveryCount = max(0, maxDeliveryCount)
            self.versioning = versioning
            self.versionRejectDelay = versionRejectDelay
            self.orchestrationConcurrency = max(1, orchestrationConcurrency)
            self.activityConcurrency = max(1, activityConcurrency)
            self.runnerCacheCapacity = runnerCacheCapacity
            self.lockWaitTimeout = lockWaitTimeout
            self.activityLeaseRenewalInterval = activityLeaseRenewalInterval
        }
    }

    /// The store the worker serves.
    public let store: any OrchestrationStore
    /// The registered orchestrators and activities.
    public let registry: TaskRegistry
    /// The configuration.
    public let configuration: Configuration
    let logger: Logger
    private let processor: OrchestrationTurnProcessor
    let cache: RunnerCache
    let entityProcessor: EntityTurnProcessor
    let entityCache: EntitySnapshotCache
    private let stopping = Atomic<Bool>(false)
    let metrics: WorkerMetrics
    /// Where the worker's spans go: a span per orchestration turn and per activity execution.
    let tracer: any LegacyTracer
    /// Where work the registry lacks goes (remote SDK workers); `nil` runs everything in process.
    private let remote: (any RemoteWorkDispatcher)?
    /// Whether leasing works, per loop kind: each logs a store outage once, not once per attempt.
    private let orchestrationLeasing: OutageMonitor
    private let activityLeasing: OutageMonitor

    /// Creates a worker.
    /// - Parameters:
    ///   - logger: where the worker logs; orchestrations and activities log through it too.
    ///   - metricsFactory: where metrics go; the process-wide `MetricsSystem.factory` by default.
    ///   - tracer: where spans go (a span per orchestration turn, continuing the instance's
    ///     trace, and per activity execution); the process's `InstrumentationSystem` by default.
    ///   - remote: runs the orchestrations, activities and entities `registry` lacks (workers of
    ///     other languages). Without it, such work fails as not registered.
    public init(
        store: any OrchestrationStore, registry: TaskRegistry, configuration: Configuration = Configuration(),
        logger: Logger, metricsFactory: (any MetricsFactory)? = nil,
        remote: (any RemoteWorkDispatcher)? = nil, tracer: (any LegacyTracer)? = nil
    ) {
        self.remote = remote
        self.tracer = tracer ?? InstrumentationSystem.legacyTracer
        self.metrics = WorkerMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.store = store
        var registry = registry
        registry.addSchedules(store: store)
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        self.processor = OrchestrationTurnProcessor(registry: registry, logger: logger)
        self.cache = RunnerCache(capacity: configuration.runnerCacheCapacity)
        self.entityProcessor = EntityTurnProcessor(registry: registry, logger: logger)
        self.entityCache = EntitySnapshotCache(capacity: configuration.runnerCacheCapacity)
        self.orchestrationLeasing = OutageMonitor(
            down: "leasing orchestration work failed: store unavailable; retrying with backoff",
            up: "leasing orchestration work: store available again", logger: logger)
        self.activityLeasing = OutageMonitor(
            down: "leasing activity work failed: store unavailable; retrying with backoff",
            up: "leasing activity work: store available again", logger: logger)
    }

    /// Runs the dispatch loops until graceful shutdown or cancellation.
    public func run() async throws {
        stopping.store(false, ordering: .relaxed)
        logger.info("durable task worker started", metadata: [
            LogKeys.orchestrators: .string(registry.orchestratorNames.joined(separator: ",")),
            LogKeys.activities: .string(registry.activityNames.joined(separator: ",")),
        ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { outer in
                outer.addTask {
                    do { try await self.store.runMaintenance() } catch {
                        self.logger.error("store maintenance stopped", metadata: [LogKeys.error: "\(error)"])
                    }
                }
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<configuration.orchestrationConcurrency {
                        group.addTask { await self.orchestrationLoop() }
                    }
                    for _ in 0..<configuration.activityConcurrency {
                        group.addTask { await self.activityLoop() }
                    }
                }
                // The dispatch loops have drained; stop the store's background work.
                outer.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        cache.removeAll()
        entityCache.removeAll()
        logger.info("durable task worker stopped")
    }

    /// Asks the loops to stop after their current work (same as a graceful shutdown).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        orchestrationLeasing.interrupt()
        activityLeasing.interrupt()
    }

    private var shouldStop: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Leases work until shutdown and runs each item; the lease call itself blocks until work
    /// arrives. While leasing fails (store down) the loop backs off (100 ms doubling to 5 s, with
    /// jitter), and `leasing` logs the outage once for all loops of the kind.
    private func dispatchLoop<Item: Sendable>(
        _ leasing: OutageMonitor, lease: () async throws -> Item?, run: (Item) async -> Void
    ) async {
        var backoff = RetryBackoff()
        while !shouldStop {
            let started = ContinuousClock.now
            do {
                let item = try await lease()
                leasing.succeeded(startedAt: started)
                backoff.reset()
                if let item { await run(item) }
            } catch {
                if shouldStop { break }
                leasing.failed(error, startedAt: started)
                await leasing.pause(backoff.next())
            }
        }
    }

    private func orchestrationLoop() async {
        await dispatchLoop(orchestrationLeasing, lease: {
            try await store.lockNextOrchestrationWorkItem(timeout: configuration.lockWaitTimeout)
        }, run: runTurn)
    }

    private func activityLoop() async {
        await dispatchLoop(activityLeasing, lease: {
            try await store.lockNextActivityWorkItem(timeout: configuration.lockWaitTimeout)
        }, run: runActivity)
    }

    // MARK: Orchestrations

    /// Runs and commits one turn (an entity's batch, for entity IDs). A turn that fails is released
    /// to run again; one whose lease was lost is dropped (another worker has the instance).
    func runTurn(_ item: OrchestrationWorkItem) async {
        let start = ContinuousClock.now
        if let oldest = item.messages.map(\.event.timestamp).min() {
            let waited = -oldest.timeIntervalSinceNow  // clamped to 0 ... one year, so no date can trap the conversion
            metrics.dispatchLatency.recordNanoseconds(waited > 0 ? Int64(min(waited, 31_536_000) * 1e9) : 0)
        }
        let isEntity = EntityID.isEntity(item.instanceId)
        let what = isEntity ? "entity batch" : "orchestration turn"
        if isPoison(item.deliveryCount) {
            await failPoison(item)
            return
        }
        do {
            if isEntity {
                try await runEntityBatch(item)
                metrics.entityBatches.increment()
            } else {
                try await runOrchestrationTurn(item)
                metrics.turns.increment()
            }
        } catch let error as DurableTaskError where error.code == .leaseLost {
            metrics.orchestrationLeaseLosses.increment()
            logger.warning("\(what) not committed: lease lost", metadata: [LogKeys.instanceId: .string(item.instanceId)])
        } catch {
            logger.error("\(what) failed; releasing the work item", metadata: [
                LogKeys.instanceId: .string(item.instanceId), LogKeys.error: "\(error)",
            ])
            try? await store.abandonOrchestrationWorkItem(item)
        }
        metrics.turnDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
    }

    private func runOrchestrationTurn(_ item: OrchestrationWorkItem) async throws {
        let cached = cache.take(item.instanceId)
        var loaded: [HistoryEvent]?
        if cached == nil, remote != nil || configuration.versioning.matchStrategy != .none {
            // Which orchestrator and version: in the history, or in the first turn's messages.
            let history: [HistoryEvent]
            if let cached = remote?.cachedHistory(for: item) { history = cached } else { history = try await storedHistory(item) }
            loaded = history
            if let started = (history + item.messages.map(\.event)).lazy.compactMap(\.executionStarted).first {
                if let remote, registry.orchestrator(named: started.name) == nil {
                    if await !remote.runOrchestrationTurn(item, history: history, name: started.name, version: started.version) {
                        try? await store.abandonOrchestrationWorkItem(item, reason: .notRun)
                    }
                    return
                }
                if let mismatch = configuration.versioning.mismatch(started.version) {
                    try await refuse(item, history: history, mismatch)
                    return
                }
            }
        }
        let turnStart = DefaultTracerClock.now
        var output = try await processor.process(item, cached: cached) {
            if let loaded { return loaded }
            return try await store.readHistory(instanceId: item.instanceId)
        }
        let span = output.started.map { started in
            tracer.startAnySpan(
                SpanNames.orchestration(started.name), at: turnStart,
                context: TraceContext.extract(started.traceContext, with: tracer), ofKind: .internal)
        }
        defer { span?.end() }
        if let span {
            span.attributes["durabletask.instance_id"] = item.instanceId
            span.attributes["durabletask.execution_id"] = output.started?.executionId ?? ""
            if let carrier = TraceContext.inject(span.context, with: tracer) { Self.stamp(&output.result, carrier, from: item.instanceId) }
            if output.result.status == .failed { span.setStatus(SpanStatus(code: .error, message: output.result.failureDetails?.errorMessage)) }
        }
        // Cache before committing: once the commit releases the lease, the next turn may start
        // at once on another loop. If the commit fails, the runner is dropped.
        if let runner = output.runner { cache.put(runner) }
        do {
            try await store.completeOrchestrationWorkItem(item, result: output.result)
        } catch {
            if let runner = output.runner { cache.remove(runner) }
            throw error
        }
        if output.path == .cached { metrics.cacheHits.increment() } else { metrics.replays.increment() }
        if output.result.status == .failed { metrics.orchestrationFailures.increment() }
    }

    /// Hands the turn span's context to the work the turn started: its activities and the
    /// sub-orchestrations it created.
    static func stamp(_ result: inout OrchestrationTurnResult, _ carrier: TraceCarrier, from instanceId: String) {
        for index in result.activities.indices { result.activities[index].traceContext = carrier }
        for index in result.messages.indices {
            guard case .executionStarted(var start) = result.messages[index].event.kind, start.parent?.instanceId == instanceId,
                start.traceContext == nil
            else { continue }
            start.traceContext = carrier
            result.messages[index].event.kind = .executionStarted(start)
        }
    }

    /// A turn whose version this worker must not run: released for another worker after a pause,
    /// or the instance fails with the mismatch, by the failure strategy.
    private func refuse(_ item: OrchestrationWorkItem, history: [HistoryEvent], _ mismatch: FailureDetails) async throws {
        switch configuration.versioning.failureStrategy {
        case .reject:
            logger.debug("orchestration version rejected; releasing it for another worker", metadata: [
                LogKeys.instanceId: .string(item.instanceId), LogKeys.error: "\(mismatch)",
            ])
            try? await Task.sleep(for: configuration.versionRejectDelay)
            try await store.abandonOrchestrationWorkItem(item, reason: .notRun)
        case .fail:
            try await failInstance(item, history: history, mismatch)
        }
    }

    /// Commits a turn that fails the instance with `failure` without running its code: the
    /// leased messages are recorded in the history, then the failure.
    func failInstance(_ item: OrchestrationWorkItem, history: [HistoryEvent], _ failure: FailureDetails) async throws {
        var turn = RemoteOrchestrationTurn(item: item, history: history)
        let id = (history.map(\.eventId).max() ?? -1) + 1
        guard case .commit(let result) = turn.apply(
            [OrchestratorAction(id: id, kind: .completeOrchestration(CompleteOrchestrationAction(status: .failed, failureDetails: failure)))],
            customStatus: nil)
        else { return }
        try await store.completeOrchestrationWorkItem(item, result: result)
        metrics.orchestrationFailures.increment()
    }

    /// The stored history the work item came with, or read from the store.
    func storedHistory(_ item: OrchestrationWorkItem) async throws -> [HistoryEvent] {
        if item.historyLength == 0 { return [] }
        if let history = item.history { return history }
        return try await store.readHistory(instanceId: item.instanceId)
    }

    private func runEntityBatch(_ item: OrchestrationWorkItem) async throws {
        if let remote, let id = EntityID(instanceId: item.instanceId), registry.entity(named: id.name) == nil {
            let history = try await storedHistory(item)
            if await !remote.runEntityBatch(item, history: history) {
                try? await store.abandonOrchestrationWorkItem(item, reason: .notRun)
            }
            return
        }
        let refused = try await EntityLockCheck.refusedLocks(in: item, store: store)
        let output = try await entityProcessor.process(item, cached: entityCache.take(item.instanceId), loadHistory: {
            try await store.readHistory(instanceId: item.instanceId)
        }, refusedLocks: refused)
        entityCache.put(item.instanceId, output.snapshot)
        do {
            try await store.completeOrchestrationWorkItem(item, result: output.result)
        } catch {
            _ = entityCache.take(item.instanceId)
            throw error
        }
        metrics.entityOperations.increment(by: output.operations)
    }

    // MARK: Activities

    /// Runs one activity, renewing its lease while it runs, and commits its result.
    func runActivity(_ item: ActivityWorkItem) async {
        let request = item.request
        var logger = self.logger
        logger[metadataKey: LogKeys.instanceId] = .string(request.instanceId)
        logger[metadataKey: LogKeys.activity] = .string(request.name)
        logger[metadataKey: LogKeys.taskId] = "\(request.taskId)"
        let context = ActivityContext(
            instanceId: request.instanceId, executionId: request.executionId, taskId: request.taskId,
            name: request.name, attempt: request.attempt, logger: logger)
        if isPoison(item.deliveryCount) {
            let failure = poisonFailure("activity '\(request.name)'", deliveries: item.deliveryCount)
            logger.error("poison activity failed without running", metadata: [LogKeys.error: "\(failure.errorMessage)"])
            metrics.poisonItems.increment()
            await commitActivity(item, .taskFailed(taskScheduledId: request.taskId, failure: failure), logger: logger)
            return
        }
        if let remote, registry.activity(named: request.name) == nil {
            let outcome = Mutex<RemoteActivityOutcome>(.notTaken)
            _ = await withLeaseRenewal(item) {
                let result = await remote.runActivity(item)
                outcome.withLock { $0 = result }
                return .success(nil)
            }
            switch outcome.withLock({ $0 }) {
            case .notTaken: try? await store.abandonActivityWorkItem(item, reason: .notRun)
            case .done(let next): if let next { await runTurn(next) }
            }
            return
        }
        let start = ContinuousClock.now
        let outcome: Result<String?, any Error>
        let span = tracer.startAnySpan(
            SpanNames.activity(request.name), context: TraceContext.extract(request.traceContext, with: tracer), ofKind: .internal)
        span.attributes["durabletask.instance_id"] = request.instanceId
        span.attributes["durabletask.task_id"] = request.taskId
        span.attributes["durabletask.attempt"] = request.attempt
        defer { span.end() }
        if let function = registry.activity(named: request.name) {
            let spanContext = span.context
            outcome = await withLeaseRenewal(item) {
                await InstrumentationContext.withValue(spanContext) {
                    do { return .success(try await function(context, request.input)) } catch { return .failure(error) }
                }
            }
        } else {
            outcome = .failure(ApplicationError(
                type: EngineFailure.activityNotRegistered,
                message: "No activity named '\(request.name)' is registered with this worker", isNonRetriable: true))
        }
        metrics.activityDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        if case .failure = outcome, Task.isCancelled {
            // Shutting down: let another worker run it rather than recording a cancellation.
            try? await store.abandonActivityWorkItem(item, reason: .notRun)
            return
        }
        let kind: HistoryEvent.Kind
        switch outcome {
        case .success(let result):
            kind = .taskCompleted(taskScheduledId: request.taskId, result: result)
        case .failure(let error):
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            metrics.activityFailures.increment()
            kind = .taskFailed(taskScheduledId: request.taskId, failure: FailureDetails(error: error))
        }
        await commitActivity(item, kind, logger: logger)
    }

    /// Commits an activity's result and runs the turn the store leased with it, if any.
    private func commitActivity(_ item: ActivityWorkItem, _ kind: HistoryEvent.Kind, logger: Logger) async {
        do {
            let next = try await store.completeActivityLeasingTurnIfSupported(item, result: HistoryEvent(timestamp: Date(), kind: kind))
            metrics.activities.increment()
            // The store leased the instance's next turn to us: run it here, at once.
            if let next { await runTurn(next) }
        } catch let error as DurableTaskError where error.code == .leaseLost {
            metrics.activityLeaseLosses.increment()
            logger.notice("activity result dropped: its lease was lost (another worker may have run it)")
        } catch {
            logger.error("committing an activity result failed", metadata: [LogKeys.error: "\(error)"])
            try? await store.abandonActivityWorkItem(item)
        }
    }

    private func withLeaseRenewal(
        _ item: ActivityWorkItem, _ body: @escaping @Sendable () async -> Result<String?, any Error>
    ) async -> Result<String?, any Error> {
        let interval = configuration.activityLeaseRenewalInterval
        let store = self.store
        return await withTaskGroup(of: Result<String?, any Error>?.self) { group in
            group.addTask { await body() }
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: interval)
                        try await store.renewActivityWorkItemLease(item)
                    } catch {
                        return nil
                    }
                }
            }
            var result: Result<String?, any Error> = .failure(CancellationError())
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
    }
}

/// The worker's swift-metrics instruments (names in `MetricNames`).
struct WorkerMetrics: Sendable {
    let dispatchLatency: Metrics.Timer
    let turnDuration: Metrics.Timer
    let activityDuration: Metrics.Timer
    let turns: Counter
    let activities: Counter
    let replays: Counter
    let cacheHits: Counter
    let orchestrationFailures: Counter
    let activityFailures: Counter
    let entityOperations: Counter
    let entityBatches: Counter
    let poisonItems: Counter
    let orchestrationLeaseLosses: Counter
    let activityLeaseLosses: Counter

    init(factory: any MetricsFactory) {
        dispatchLatency = Metrics.Timer(label: MetricNames.dispatchLatency, dimensions: [], factory: factory)
        turnDuration = Metrics.Timer(label: MetricNames.turnDuration, dimensions: [], factory: factory)
        activityDuration = Metrics.Timer(label: MetricNames.activityDuration, dimensions: [], factory: factory)
        turns = Counter(label: MetricNames.turns, dimensions: [], factory: factory)
        activities = Counter(label: MetricNames.activities, dimensions: [], factory: factory)
        replays = Counter(label: MetricNames.replays, dimensions: [], factory: factory)
        cacheHits = Counter(label: MetricNames.cacheHits, dimensions: [], factory: factory)
        orchestrationFailures = Counter(label: MetricNames.failures, dimensions: [("kind", "orchestration")], factory: factory)
        activityFailures = Counter(label: MetricNames.failures, dimensions: [("kind", "activity")], factory: factory)
        entityOperations = Counter(label: MetricNames.entityOperations, dimensions: [], factory: factory)
        poisonItems = Counter(label: MetricNames.poisonItems, dimensions: [], factory: factory)
        entityBatches = Counter(label: MetricNames.entityBatches, dimensions: [], factory: factory)
        orchestrationLeaseLosses = Counter(label: MetricNames.leaseLosses, dimensions: [("kind", "orchestration")], factory: factory)
        activityLeaseLosses = Counter(label: MetricNames.leaseLosses, dimensions: [("kind", "activity")], factory: factory)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
