import DurableTask
import Foundation

/// `dt_create_instance`: creates an instance under the reuse policy; optional signal-with-start.
struct CreateInstanceCall: FunctionCall {
    /// Whether the instance was created, and the execution that now has the ID.
    struct Reply: Sendable, Equatable {
        var created: Bool
        var executionId: String
    }

    static let function = LuaLibrary.Function.createInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `timerMember` is the timers member of a scheduled start (`nil` when it starts now).
    init(keys hub: TaskHubKeys, request: CreateInstanceRequest, timerMember: String?) throws {
        let start = request.executionStarted
        instanceId = start.instanceId
        keys = hub.instanceKeys(start.instanceId, name: start.name)
        var a = FunctionArguments()
        a.add(start.instanceId)
        a.add(start.executionId)
        a.add(start.name)
        a.add(optional: start.input)
        a.add(optional: start.version)
        a.add(optional: start.parent?.instanceId)
        a.add(RedisCodec.millis(request.createdAt))
        a.add(optional: start.scheduledStartTime.map(RedisCodec.millis))
        a.add(request.reusePolicy.rawValue)
        a.add(try RedisCodec.encode(request.startMessage.event))
        a.add(optional: try request.eventMessage.map { try RedisCodec.encode($0.event) })
        a.add(optional: timerMember)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Reply {
        guard let parts = reply.array, parts.count == 2, let created = parts[0].int, let exec = parts[1].string else {
            throw unexpected(reply)
        }
        return Reply(created: created == 1, executionId: exec)
    }
}

/// `dt_deliver_message`: puts one message in an instance's inbox.
struct DeliverMessageCall: FunctionCall {
    /// Who delivers the message.
    enum Mode: Sendable {
        /// A client's raise, terminate, suspend or resume: a missing or finished instance is an error.
        case client
        /// An outbox entry, deduplicated by `messageId`; with `lease`, an idle target is leased to the caller.
        case route(messageId: String, lease: LeaseRequest?)
        /// A due timer, delivered once (its `member` is removed from the timers).
        case timer(member: String)
    }

    /// What the function did.
    enum Reply: Sendable, Equatable {
        /// The message is in the inbox.
        case delivered
        /// Dropped: a missing or finished instance, another execution, or a duplicate.
        case dropped
        /// A start message met a live instance of another execution.
        case rejected
        /// Delivered, and the idle target was leased to the caller.
        case leased(LeasedInstance)
    }

    static let function = LuaLibrary.Function.deliverMessage
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, message: OrchestrationMessage, mode: Mode) throws {
        instanceId = message.instanceId
        var start: ExecutionStartedEvent?
        if case .executionStarted(let s) = message.event.kind { start = s }
        // A start creates the instance, and a message may create an entity: both need the name's index.
        keys = hub.instanceKeys(message.instanceId, name: start?.name ?? EntityID(instanceId: message.instanceId)?.name)
        var a = FunctionArguments()
        a.add(message.instanceId)
        switch mode {
        case .client: a.add("client")
        case .route: a.add("route")
        case .timer: a.add("timer")
        }
        a.add(try RedisCodec.encode(message.event))
        a.add(optional: message.executionId)
        switch mode {
        case .client: a.add(optional: nil)
        case .route(let id, _): a.add(id)
        case .timer(let member): a.add(member)
        }
        if let start {
            a.add("start")
            a.add(start.executionId)
            a.add(start.name)
            a.add(optional: start.input)
            a.add(optional: start.version)
            a.add(optional: start.parent?.instanceId)
            a.add(RedisCodec.millis(message.event.timestamp))
        } else {
            a.add("other")
            if case .route(_, let lease?) = mode {
                a.skip(to: 12)
                a.add(lease.token)
                a.add(lease.milliseconds)
                a.add(lease.maxMessages)
            }
        }
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Reply {
        switch reply {
        case .integer(1), .null: return .delivered
        case .integer(0): return .dropped
        case .array: return .leased(try LeasedInstance.decode(reply, function: function)!)
        default:
            if reply.string == "REJECT" { return .rejected }
            throw unexpected(reply)
        }
    }
}

/// A lease a function may take for the caller: its token, length and most messages.
struct LeaseRequest: Sendable {
    var token: String
    var milliseconds: Int64
    var maxMessages: Int
}

/// `dt_rewind_instance`: marks a failed instance `Running` and enqueues its rewind.
struct RewindInstanceCall: FunctionCall {
    typealias Reply = Void
    static let function = LuaLibrary.Function.rewindInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, message: OrchestrationMessage) throws {
        instanceId = message.instanceId
        keys = hub.instanceKeys(message.instanceId)
        arguments = [message.instanceId, try RedisCodec.encode(message.event)]
    }

    static func decode(_ reply: RedisValue) throws { try Acknowledged.decode(reply, function: function) }
}

/// `dt_purge_instance`: deletes a finished instance; whether there was one.
struct PurgeInstanceCall: FunctionCall {
    typealias Reply = Bool
    static let function = LuaLibrary.Function.purgeInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `name` is the instance's orchestrator name, whose index entry goes too.
    init(keys hub: TaskHubKeys, instanceId: String, name: String) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId, name: name)
        arguments = [instanceId]
    }

    static func decode(_ reply: RedisValue) throws -> Bool {
        guard let n = reply.int, n == 0 || n == 1 else { throw unexpected(reply) }
        return n == 1
    }
}

/// `dt_wait_register`: reads an instance's fields and, unless the condition holds, registers a waiter.
struct WaitRegisterCall: FunctionCall {
    /// The condition and the requested fields' values, or `nil` when the instance does not exist.
    struct State: Sendable, Equatable {
        var satisfied: Bool
        var fields: [String?]
    }
    typealias Reply = State?

    static let function = LuaLibrary.Function.waitRegister
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, instanceId: String, condition: InstanceWaitCondition, fields: [String]) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId)
        arguments = [condition == .started ? "started" : "completed"] + fields
    }

    static func decode(_ reply: RedisValue) throws -> State? {
        if reply.isNull { return nil }
        guard let parts = reply.array, let satisfied = parts.first?.int else { throw unexpected(reply) }
        return State(satisfied: satisfied == 1, fields: parts.dropFirst().map(\.string))
    }
}
