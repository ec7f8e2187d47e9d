import DurableTaskRedisClient
import DurableTask

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
        case .array(let parts): return .leased(try LeasedInstance.decode(parts: parts, of: reply, function: function))
        default:
            if reply.string == "REJECT" { return .rejected }
            throw unexpected(reply)
        }
    }
}
