@testable import DurableTaskRedis
import DurableTaskRedisClient
import DurableTask
import Foundation
import Testing

/// Each typed function call: the arguments it sends and how it decodes its function's replies
/// (the contracts in `lua/<name>.lua`). Pure: no Redis.
@Suite("Typed function calls")
struct FunctionCallTests {
    static let hub = TaskHubKeys(hub: "t", partitions: 4)
    static let event = HistoryEvent(timestamp: Date(timeIntervalSince1970: 1), kind: .eventRaised(name: "go", input: nil))
    static var eventJSON: RedisValue { .bulkString(Array(try! RedisCodec.encode(event).utf8)) }
    static let activity = ActivityWorkItem(
        request: ActivityRequest(instanceId: "i", executionId: "e", taskId: 1, name: "A", input: nil, attempt: 1), lockToken: "1-0", deliveryCount: 1)

    /// A lease reply `{ exec, history length, count, deliveries, message... }`.
    static func leaseReply(exec: String = "e1") -> RedisValue {
        .array([.bulkString(Array(exec.utf8)), .integer(7), .integer(1), .integer(2), eventJSON])
    }
    static let lease = LeasedInstance(executionId: "e1", historyLength: 7, deliveryCount: 2, messages: [event])

    @Test func leaseReplies() throws {
        #expect(try LeasedInstance.decode(Self.leaseReply(), function: .lockOrchestration) == Self.lease)
        #expect(try LeasedInstance.decode(Self.leaseReply(exec: ""), function: .lockOrchestration)?.executionId == nil)
        #expect(try LeasedInstance.decode(.null, function: .lockOrchestration) == nil)
        // The count must match the messages.
        #expect(throws: DurableTaskError.self) {
            try LeasedInstance.decode(.array([.bulkString([]), .integer(0), .integer(2), .integer(1), Self.eventJSON]), function: .lockOrchestration)
        }
    }

    @Test func createInstance() throws {
        #expect(try CreateInstanceCall.decode(.array([.integer(1), "e1"])) == .init(created: true, executionId: "e1"))
        #expect(try CreateInstanceCall.decode(.array([.integer(0), "e0"])) == .init(created: false, executionId: "e0"))
        #expect(throws: DurableTaskError.self) { try CreateInstanceCall.decode(.integer(1)) }
        let start = ExecutionStartedEvent(name: "Hello", instanceId: "i", executionId: "e1", input: nil)
        let call = try CreateInstanceCall(keys: Self.hub, request: CreateInstanceRequest(executionStarted: start), timerMember: nil)
        #expect(call.arguments.count == 12)
        // Every missing argument is one NUL.
        #expect([3, 4, 5, 7, 10, 11].map { call.arguments[$0] } == Array(repeating: "\0", count: 6))
        #expect(call.keys == Self.hub.instanceKeys("i", name: "Hello"))
    }

    @Test func deliverMessage() throws {
        #expect(try DeliverMessageCall.decode(.integer(1)) == .delivered)
        #expect(try DeliverMessageCall.decode(.null) == .delivered)
        #expect(try DeliverMessageCall.decode(.integer(0)) == .dropped)
        #expect(try DeliverMessageCall.decode("REJECT") == .rejected)
        #expect(try DeliverMessageCall.decode(Self.leaseReply()) == .leased(Self.lease))
        #expect(throws: DurableTaskError.self) { try DeliverMessageCall.decode("OTHER") }
        // A routed event that may lease its target: the lease fields are ARGV 13-15.
        let message = OrchestrationMessage(instanceId: "i", event: Self.event)
        let lease = LeaseRequest(token: "tok", milliseconds: 30_000, maxMessages: 5)
        let routed = try DeliverMessageCall(keys: Self.hub, message: message, mode: .route(messageId: "0-1", lease: lease))
        #expect(routed.arguments.count == 15)
        #expect(Array(routed.arguments[0...1]) == ["i", "route"] && routed.arguments[4] == "0-1" && routed.arguments[5] == "other")
        #expect(Array(routed.arguments[6..<12]) == Array(repeating: "\0", count: 6))
        #expect(Array(routed.arguments[12...]) == ["tok", "30000", "5"])
        let client = try DeliverMessageCall(keys: Self.hub, message: message, mode: .client)
        #expect(client.arguments.count == 6 && client.arguments[1] == "client" && client.arguments[3] == "\0" && client.arguments[4] == "\0")
    }

    @Test func lockOrchestration() throws {
        #expect(try LockOrchestrationCall.decode(.null) == nil)
        #expect(try LockOrchestrationCall.decode(Self.leaseReply()) == Self.lease)
        #expect(throws: DurableTaskError.self) { try LockOrchestrationCall.decode(.integer(1)) }
    }

    @Test func completeOrchestration() throws {
        #expect(try CompleteOrchestrationCall.decode(.array([.null])) == .init(nextReady: nil, outboxEntryIds: []))
        #expect(try CompleteOrchestrationCall.decode(.array(["next", "1-0", "1-1"]))
            == .init(nextReady: "next", outboxEntryIds: ["1-0", "1-1"]))
        #expect(throws: DurableTaskError.self) { try CompleteOrchestrationCall.decode(.integer(1)) }
        // A missing argument is one NUL; an empty output is a value.
        let item = OrchestrationWorkItem(instanceId: "i", executionId: "e", messages: [], historyLength: 0, lockToken: "tok")
        let result = OrchestrationTurnResult(historyToAppend: [], status: .completed, output: "", customStatus: nil)
        let call = try CompleteOrchestrationCall(keys: Self.hub, item: item, result: result, updatedAt: Date(), takesNext: false)
        #expect(Array(call.arguments[4...8]) == ["", "\0", "\0", "\0", "\0"])
        #expect(Array(call.arguments[10...]) == ["0", "0", "0", "0", "0"])
    }

    @Test func completeActivity() throws {
        #expect(try CompleteActivityCall.decode(.integer(0)) == .dropped)
        #expect(try CompleteActivityCall.decode(.integer(1)) == .applied)
        #expect(try CompleteActivityCall.decode(Self.leaseReply()) == .leased(Self.lease))
        #expect(throws: DurableTaskError.self) { try CompleteActivityCall.decode(.null) }
    }

    @Test func acknowledgedCalls() throws {
        try AbandonOrchestrationCall.decode(.integer(1))
        try AbandonActivityCall.decode(.integer(1))
        try RenewActivityCall.decode(.integer(1))
        try RewindInstanceCall.decode(.integer(1))
        #expect(throws: DurableTaskError.self) { try AbandonOrchestrationCall.decode(.integer(0)) }
        #expect(throws: DurableTaskError.self) { try RenewActivityCall.decode(.null) }
    }

    @Test func purgeWaitAndRecover() throws {
        #expect(try PurgeInstanceCall.decode(.integer(1)) == true)
        #expect(try PurgeInstanceCall.decode(.integer(0)) == false)
        #expect(throws: DurableTaskError.self) { try PurgeInstanceCall.decode(.null) }
        #expect(try WaitRegisterCall.decode(.null) == nil)
        #expect(try WaitRegisterCall.decode(.array([.integer(1), "Completed", .null]))
            == .init(satisfied: true, fields: ["Completed", nil]))
        #expect(throws: DurableTaskError.self) { try WaitRegisterCall.decode(.integer(1)) }
        #expect(try RecoverPartitionCall.decode(.integer(3)) == 3)
        let recover = RecoverPartitionCall(keys: Self.hub, partition: 2, staleAfterMilliseconds: 30_000, batch: 100)
        #expect(recover.keys == [Self.hub.ready(2), Self.hub.queued(2), Self.hub.leases(2)])
        #expect(recover.arguments == ["30000", "100"])
    }
}
