import DurableTask
import Logging
import ServiceLifecycle

/// Creates or updates the host's configured schedules once its worker runs, then waits for
/// shutdown. Unchanged schedules stay as they are, so restarts neither double nor lose a tick;
/// several hosts with the same flags agree.
struct ScheduleRegistrar: Service {
    let client: DurableTaskClient
    let schedules: [ScheduleDefinition]
    let logger: Logger

    func run() async throws {
        for definition in schedules {
            var backoff = RetryBackoff()
            while !Task.isCancelled {
                do {
                    let schedule = try await client.createOrUpdateSchedule(definition)
                    logger.info("schedule ready", metadata: [
                        LogKeys.schedule: "\(definition.id)", LogKeys.scheduleNextDue: "\(schedule.nextDue.map(ScheduleTime.format) ?? "none")",
                    ])
                    break
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("creating a schedule failed; retrying", metadata: [LogKeys.schedule: "\(definition.id)", LogKeys.error: "\(error)"])
                    try? await Task.sleep(for: backoff.next())
                }
            }
        }
        try? await gracefulShutdown()
    }
}
