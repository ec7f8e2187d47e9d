import DurableTask
import Foundation
import GRPCCore
import Logging
import SwiftProtobuf

/// The Durable Task sidecar protocol (`TaskHubSidecarService`) over any ``OrchestrationStore``:
/// what the Durable Task SDKs (Python, JavaScript, Java, .NET, Go) call to start and manage
/// instances and to receive and complete work items.
///
/// Client calls go through ``DurableTaskClient`` and the store. Work items go through
/// ``RemoteWorkerHub``, which the host's worker hands everything its own registry lacks.
struct SidecarService: ProtoTaskHubSidecarService.SimpleServiceProtocol {
    let client: DurableTaskClient
    let hub: RemoteWorkerHub
    let logger: Logger
    /// How long `WaitForInstance…` waits when the call has no deadline.
    var defaultWaitTimeout: Duration = .seconds(3600)
    /// How often an idle `GetWorkItems` stream gets a health ping.
    var healthPingInterval: Duration = .seconds(30)

    var store: any OrchestrationStore { client.store }

    func hello(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        Google_Protobuf_Empty()
    }

    // MARK: Instances

    func startInstance(request: ProtoCreateInstanceRequest, context: ServerContext) async throws -> ProtoCreateInstanceResponse {
        try await RPCErrors.mapping {
            guard !request.name.isEmpty else { throw RPCErrors.invalid("an orchestration name is required") }
            let instanceId = request.instanceID.isEmpty ? RandomIdentifier.compact() : request.instanceID
            var options = DurableTaskClient.StartOptions(
                instanceId: instanceId, startAt: request.hasScheduledStartTimestamp ? request.scheduledStartTimestamp.clampedDate : nil,
                version: request.hasVersion ? request.version.value : nil, tags: request.tags)
            if request.hasParentTraceContext { options.traceContext = TraceTranslation.carrier(request.parentTraceContext) }
            if request.hasOrchestrationIDReusePolicy {
                // The policy names the statuses in which an existing instance may be replaced. A
                // live one is replaced by terminating it; one in any other status stays.
                let replaceable = Set(request.orchestrationIDReusePolicy.replaceableStatus.compactMap(OrchestrationStatus.init))
                if let existing = try await store.getInstance(instanceId) {
                    guard replaceable.contains(existing.runtimeStatus) else {
                        throw RPCError(
                            code: .alreadyExists,
                            message: "instance '\(instanceId)' exists and is \(existing.runtimeStatus.rawValue), which the reuse policy does not replace")
                    }
                    if existing.runtimeStatus.isLive { options.reusePolicy = .terminateExisting }
                }
            }
            let result = try await client.scheduleNewOrchestration(
                named: request.name, rawInput: request.hasInput ? request.input.value : nil, options: options)
            var response = ProtoCreateInstanceResponse()
            response.instanceID = result.instanceId
            return response
        }
    }

    func getInstance(request: ProtoGetInstanceRequest, context: ServerContext) async throws -> ProtoGetInstanceResponse {
        try await RPCErrors.mapping {
            var response = instanceResponse(try await store.getInstance(request.instanceID), payloads: request.getInputsAndOutputs)
            if response.exists {
                // Tags live in the execution's start event, not in the instance's state.
                let history = try await store.readHistory(instanceId: request.instanceID)
                if let started = history.lazy.compactMap(\.executionStarted).first { response.orchestrationState.tags = started.tags }
            }
            return response
        }
    }

    private func instanceResponse(_ metadata: OrchestrationMetadata?, payloads: Bool) -> ProtoGetInstanceResponse {
        var response = ProtoGetInstanceResponse()
        if let metadata {
            response.exists = true
            response.orchestrationState = StateTranslation.proto(metadata, withPayloads: payloads)
        }
        return response
    }

    func waitForInstanceStart(request: ProtoGetInstanceRequest, context: ServerContext) async throws -> ProtoGetInstanceResponse {
        try await wait(request, .started, deadline: nil)
    }

    func waitForInstanceCompletion(request: ProtoGetInstanceRequest, context: ServerContext) async throws -> ProtoGetInstanceResponse {
        try await wait(request, .completed, deadline: nil)
    }

    // The waits read the call's deadline (`grpc-timeout`), so they answer DEADLINE_EXCEEDED in time.

    func waitForInstanceStart(request: ServerRequest<ProtoGetInstanceRequest>, context: ServerContext) async throws
        -> ServerResponse<ProtoGetInstanceResponse>
    {
        ServerResponse(message: try await wait(request.message, .started, deadline: Self.deadline(request.metadata)))
    }

    func waitForInstanceCompletion(request: ServerRequest<ProtoGetInstanceRequest>, context: ServerContext) async throws
        -> ServerResponse<ProtoGetInstanceResponse>
    {
        ServerResponse(message: try await wait(request.message, .completed, deadline: Self.deadline(request.metadata)))
    }

    static func deadline(_ metadata: Metadata) -> Duration? {
        StateTranslation.timeout(metadata[stringValues: "grpc-timeout"].first(where: { _ in true }))
    }

    /// Waits without polling until the condition holds or the call's deadline passes.
    func wait(_ request: ProtoGetInstanceRequest, _ condition: InstanceWaitCondition, deadline: Duration?) async throws
        -> ProtoGetInstanceResponse
    {
        try await RPCErrors.mapping {
            let timeout = deadline ?? defaultWaitTimeout
            let metadata = try await store.waitForInstance(request.instanceID, condition: condition, timeout: timeout)
            guard let metadata else {
                throw RPCError(code: .notFound, message: "no instance has ID '\(request.instanceID)'")
            }
            guard condition.isSatisfied(by: metadata) else {
                throw RPCError(code: .deadlineExceeded, message: "instance '\(request.instanceID)' did not reach the state in time")
            }
            return instanceResponse(metadata, payloads: request.getInputsAndOutputs)
        }
    }

    func raiseEvent(request: ProtoRaiseEventRequest, context: ServerContext) async throws -> ProtoRaiseEventResponse {
        try await RPCErrors.mapping {
            try await client.raiseEvent(request.instanceID, name: request.name, rawInput: request.hasInput ? request.input.value : nil)
            return ProtoRaiseEventResponse()
        }
    }

    func terminateInstance(request: ProtoTerminateRequest, context: ServerContext) async throws -> ProtoTerminateResponse {
        try await RPCErrors.mapping {
            try await client.terminate(request.instanceID, rawOutput: request.hasOutput ? request.output.value : nil, recursive: request.recursive)
            return ProtoTerminateResponse()
        }
    }

    func suspendInstance(request: ProtoSuspendRequest, context: ServerContext) async throws -> ProtoSuspendResponse {
        try await RPCErrors.mapping {
            try await client.suspend(request.instanceID, reason: request.hasReason ? request.reason.value : nil)
            return ProtoSuspendResponse()
        }
    }

    func resumeInstance(request: ProtoResumeRequest, context: ServerContext) async throws -> ProtoResumeResponse {
        try await RPCErrors.mapping {
            try await client.resume(request.instanceID, reason: request.hasReason ? request.reason.value : nil)
            return ProtoResumeResponse()
        }
    }

    func rewindInstance(request: ProtoRewindInstanceRequest, context: ServerContext) async throws -> ProtoRewindInstanceResponse {
        try await RPCErrors.mapping {
            try await client.rewind(request.instanceID, reason: request.hasReason ? request.reason.value : nil)
            return ProtoRewindInstanceResponse()
        }
    }

    func restartInstance(request: ProtoRestartInstanceRequest, context: ServerContext) async throws -> ProtoRestartInstanceResponse {
        try await RPCErrors.mapping {
            guard let metadata = try await store.getInstance(request.instanceID) else {
                throw RPCError(code: .notFound, message: "no instance has ID '\(request.instanceID)'")
            }
            if !request.restartWithNewInstanceID, metadata.runtimeStatus.isLive {
                throw RPCError(code: .failedPrecondition, message: "instance '\(request.instanceID)' is still \(metadata.runtimeStatus.rawValue)")
            }
            var response = ProtoRestartInstanceResponse()
            response.instanceID = try await client.restart(request.instanceID, newInstanceId: request.restartWithNewInstanceID)
            return response
        }
    }

    // MARK: Queries and purge

    func queryInstances(request: ProtoQueryInstancesRequest, context: ServerContext) async throws -> ProtoQueryInstancesResponse {
        try await RPCErrors.mapping {
            let q = request.query
            let query = InstanceQuery(
                statuses: StateTranslation.statuses(q.runtimeStatus), createdFrom: q.hasCreatedTimeFrom ? q.createdTimeFrom.clampedDate : nil,
                createdTo: q.hasCreatedTimeTo ? q.createdTimeTo.clampedDate : nil,
                instanceIdPrefix: q.hasInstanceIDPrefix && !q.instanceIDPrefix.value.isEmpty ? q.instanceIDPrefix.value : nil,
                pageSize: q.maxInstanceCount > 0 ? Int(q.maxInstanceCount) : 100,
                continuationToken: q.hasContinuationToken && !q.continuationToken.value.isEmpty ? q.continuationToken.value : nil,
                fetchInputsAndOutputs: q.fetchInputsAndOutputs)
            let page = try await page(query) { !EntityID.isEntity($0.instanceId) }
            var response = ProtoQueryInstancesResponse()
            response.orchestrationState = page.instances.map { StateTranslation.proto($0, withPayloads: q.fetchInputsAndOutputs) }
            if let token = page.continuationToken { response.continuationToken = .init(token) }
            return response
        }
    }

    func listInstanceIds(request: ProtoListInstanceIdsRequest, context: ServerContext) async throws -> ProtoListInstanceIdsResponse {
        try await RPCErrors.mapping {
            let from: Date? = request.hasCompletedTimeFrom ? request.completedTimeFrom.clampedDate : nil
            let to: Date? = request.hasCompletedTimeTo ? request.completedTimeTo.clampedDate : nil
            let query = InstanceQuery(
                statuses: StateTranslation.statuses(request.runtimeStatus), pageSize: request.pageSize > 0 ? Int(request.pageSize) : 100,
                continuationToken: request.hasLastInstanceKey && !request.lastInstanceKey.value.isEmpty ? request.lastInstanceKey.value : nil,
                fetchInputsAndOutputs: false)
            // Finished instances only, keyed by completion time (the SDKs list "terminal instance IDs").
            let page = try await page(query) { m in
                guard !EntityID.isEntity(m.instanceId), m.runtimeStatus.isTerminal else { return false }
                return (from.map { m.lastUpdatedAt >= $0 } ?? true) && (to.map { m.lastUpdatedAt <= $0 } ?? true)
            }
            var response = ProtoListInstanceIdsResponse()
            response.instanceIds = page.instances.map(\.instanceId)
            if let token = page.continuationToken { response.lastInstanceKey = .init(token) }
            return response
        }
    }

    /// A page of up to `query.pageSize` instances that pass `keep` (a filter the store cannot
    /// apply: entities, completion times), read in store pages, with a token after the last one.
    private func page(_ query: InstanceQuery, keep: (OrchestrationMetadata) -> Bool) async throws -> InstanceQueryResult {
        var query = query
        let size = max(1, query.pageSize)
        var kept: [OrchestrationMetadata] = []
        while true {
            let page = try await store.queryInstances(query)
            for metadata in page.instances where keep(metadata) {
                kept.append(metadata)
                if kept.count == size {
                    let more = metadata.instanceId != page.instances.last?.instanceId || page.continuationToken != nil
                    return InstanceQueryResult(instances: kept, continuationToken: more ? InstanceQueryPaging.token(after: metadata) : nil)
                }
            }
            guard let token = page.continuationToken else { return InstanceQueryResult(instances: kept, continuationToken: nil) }
            query.continuationToken = token
        }
    }

    func purgeInstances(request: ProtoPurgeInstancesRequest, context: ServerContext) async throws -> ProtoPurgeInstancesResponse {
        try await RPCErrors.mapping {
            var response = ProtoPurgeInstancesResponse()
            var count = 0
            switch request.request {
            case .instanceID(let id):
                count = try await purge(id, recursive: request.recursive)
            case .instanceBatch(let batch):
                for id in batch.instanceIds { count += try await purge(id, recursive: request.recursive) }
            case .purgeInstanceFilter(let f):
                let filter = PurgeInstancesFilter(
                    createdFrom: f.hasCreatedTimeFrom ? f.createdTimeFrom.clampedDate : nil, createdTo: f.hasCreatedTimeTo ? f.createdTimeTo.clampedDate : nil,
                    statuses: StateTranslation.statuses(f.runtimeStatus) ?? [.completed, .failed, .terminated, .canceled])
                count = try await store.purgeInstances(filter)
            case nil:
                throw RPCErrors.invalid("a purge needs an instance ID, a batch or a filter")
            }
            response.deletedInstanceCount = Int32(clamping: count)
            response.isComplete = Google_Protobuf_BoolValue(true)
            return response
        }
    }

    /// Purges an instance and, when recursive, the sub-orchestrations its history started.
    private func purge(_ instanceId: String, recursive: Bool) async throws -> Int {
        var count = 0
        if recursive {
            let children = try await store.readHistory(instanceId: instanceId).compactMap { event -> String? in
                if case .subOrchestrationInstanceCreated(_, let child, _) = event.kind { return child }
                return nil
            }
            for child in Set(children) { count += try await purge(child, recursive: true) }
        }
        if try await store.purgeInstance(instanceId) { count += 1 }
        return count
    }

    func streamInstanceHistory(
        request: ProtoStreamInstanceHistoryRequest, response: RPCWriter<ProtoHistoryChunk>, context: ServerContext
    ) async throws {
        let history = try await RPCErrors.mapping {
            guard let metadata = try await store.getInstance(request.instanceID) else {
                throw RPCError(code: .notFound, message: "no instance has ID '\(request.instanceID)'")
            }
            if request.hasExecutionID, !request.executionID.value.isEmpty, request.executionID.value != metadata.executionId {
                throw RPCError(code: .notFound, message: "instance '\(request.instanceID)' has no execution '\(request.executionID.value)'")
            }
            return try await store.readHistory(instanceId: request.instanceID)
        }
        let events = EntityMessageTranslation.proto(past: history, new: []).past
        var start = 0
        repeat {
            var chunk = ProtoHistoryChunk()
            chunk.events = Array(events[start..<min(start + 500, events.count)])
            try await response.write(chunk)
            start += 500
        } while start < events.count
    }

    // MARK: Task hub

    func createTaskHub(request: ProtoCreateTaskHubRequest, context: ServerContext) async throws -> ProtoCreateTaskHubResponse {
        try await RPCErrors.mapping {
            if request.recreateIfExists { try await store.deleteTaskHub() }
            try await store.createTaskHub()
            return ProtoCreateTaskHubResponse()
        }
    }

    func deleteTaskHub(request: ProtoDeleteTaskHubRequest, context: ServerContext) async throws -> ProtoDeleteTaskHubResponse {
        try await RPCErrors.mapping {
            try await store.deleteTaskHub()
            // The host keeps serving: leave an empty hub behind, as a fresh start would.
            try await store.createTaskHub()
            return ProtoDeleteTaskHubResponse()
        }
    }

    func skipGracefulOrchestrationTerminations(
        request: ProtoSkipGracefulOrchestrationTerminationsRequest, context: ServerContext
    ) async throws -> ProtoSkipGracefulOrchestrationTerminationsResponse {
        throw RPCError(code: .unimplemented, message: "SkipGracefulOrchestrationTerminations is not supported; use TerminateInstance")
    }
}
