public import DurableTask

/// The activity completion script leases an idle instance's next turn to the completing worker
/// (see `complete_activity.lua`).
extension RedisOrchestrationStore: TurnLeasingStore {}
