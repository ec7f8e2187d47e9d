import DurableTask
@testable import DurableTaskGRPC
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SwiftProtobuf
import Testing

/// The reverse of the Python tests' mixed hub: a Swift orchestration calls an activity that only
/// a remote worker registered. The remote worker here is this test, over real gRPC on loopback,
/// using the generated client.
@Suite("Sidecar: a Swift orchestration calls a remote activity", .timeLimit(.minutes(1)))
struct SidecarRoundTripTests {
    @Test func swiftOrchestrationCallsARemoteActivity() async throws {
        let store = InMemoryOrchestrationStore()
        var logger = Logger(label: "sidecar.test")
        logger.logLevel = .critical
        let sidecar = DurableTaskSidecar(
            store: store, configuration: .init(hosts: ["127.0.0.1"], port: 0, holdTime: .seconds(2)), logger: logger)
        var registry = TaskRegistry()
        registry.addOrchestrator(named: "SwiftCaller") { context, input in
            let greeting: String = try await context.callActivity(named: "RemoteGreet", input: "Swift")
            return try PayloadCoding.encode([greeting, try PayloadCoding.decode(String.self, from: input)])
        }
        let worker = DurableTaskWorker(
            store: store, registry: registry, configuration: .init(lockWaitTimeout: .milliseconds(200)), logger: logger,
            remote: sidecar.dispatcher)
        let client = DurableTaskClient(store: store)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sidecar.run() }
            group.addTask { try await worker.run() }
            defer { group.cancelAll() }
            let port = try #require(await sidecar.listeningPort())

            try await withGRPCClient(
                transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            ) { grpc in
                let sidecarClient = ProtoTaskHubSidecarService.Client(wrapping: grpc)
                _ = try await sidecarClient.hello(Google_Protobuf_Empty())
                var request = ProtoGetWorkItemsRequest()
                var filter = ProtoActivityFilter()
                filter.name = "RemoteGreet"
                request.workItemFilters.activities = [filter]
                // The remote worker: answers the one activity it is sent.
                async let served: ProtoActivityRequest = sidecarClient.getWorkItems(request) { response in
                    for try await item in response.messages {
                        guard case .activityRequest(let activity) = item.request else { continue }
                        var answer = ProtoActivityResponse()
                        answer.instanceID = activity.orchestrationInstance.instanceID
                        answer.taskID = activity.taskID
                        answer.result = .init("\"Hello \(activity.input.value.replacingOccurrences(of: "\"", with: ""))! (remote)\"")
                        answer.completionToken = item.completionToken
                        _ = try await sidecarClient.completeActivityTask(answer)
                        // The token is spent: a second answer is refused.
                        do {
                            _ = try await sidecarClient.completeActivityTask(answer)
                            Issue.record("a spent completion token was accepted")
                        } catch let error as RPCError {
                            #expect(error.code == .failedPrecondition)
                        }
                        return activity
                    }
                    throw CancellationError()
                }
                let id = try await client.scheduleNewOrchestration(named: "SwiftCaller", input: "in")
                let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(20))
                let activity = try await served
                #expect(activity.name == "RemoteGreet")
                #expect(activity.input.value == "\"Swift\"")
                #expect(done.runtimeStatus == .completed)
                #expect(try done.output(as: [String].self) == ["Hello Swift! (remote)", "in"])
            }
        }
    }
}

/// An idle work-item stream gets health pings, so SDK workers do not take silence for a dead
/// connection.
@Suite("Sidecar: health pings", .timeLimit(.minutes(1)))
struct SidecarHealthPingTests {
    @Test func anIdleStreamIsPinged() async throws {
        var logger = Logger(label: "sidecar.test")
        logger.logLevel = .critical
        let sidecar = DurableTaskSidecar(
            store: InMemoryOrchestrationStore(),
            configuration: .init(hosts: ["127.0.0.1"], port: 0, healthPingInterval: .milliseconds(200)), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sidecar.run() }
            defer { group.cancelAll() }
            let port = try #require(await sidecar.listeningPort())
            try await withGRPCClient(
                transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            ) { grpc in
                let client = ProtoTaskHubSidecarService.Client(wrapping: grpc)
                let start = ContinuousClock.now
                let pings = try await client.getWorkItems(ProtoGetWorkItemsRequest()) { response in
                    var count = 0
                    for try await item in response.messages {
                        guard case .healthPing = item.request else { continue }
                        count += 1
                        if count == 2 { break }
                    }
                    return count
                }
                #expect(pings == 2)
                #expect(ContinuousClock.now - start >= .milliseconds(300))
            }
        }
    }
}
