import DurableTask
import DurableTaskRedisClient
import Foundation
import Synchronization

extension RedisOrchestrationStore {
    /// Blocks on the ready lists while any orchestration loop waits, and hands what it pops to
    /// the waiting loops: one blocking read for all of them, renewed every
    /// ``Configuration/maxBlockingWait`` when nothing comes. It pops up to as many IDs as loops
    /// wait with `BLMPOP` (Redis 7), or one with `BLPOP` on an older server. The IDs are handed
    /// over on the connection's I/O thread as soon as the reply is in, so a loop wakes as fast as
    /// if it had blocked in Redis itself.
    func readReadyInstances() async {
        let readyKeys = (0..<keys.partitions).map(keys.ready)
        let timeout = configuration.maxBlockingWait.redisSeconds
        var multiPop = true
        await readWhileWaited(orchestrationFeed, counted: .orchestration) { wanted in
            multiPop
                ? ["BLMPOP", timeout, String(readyKeys.count)] + readyKeys + ["LEFT", "COUNT", String(wanted)]
                : ["BLPOP"] + readyKeys + [timeout]
        } items: { reply in
            // BLMPOP: [key, [id, ...]]; BLPOP: [key, id]; nil when the wait timed out.
            guard let pair = reply.array, pair.count == 2 else { return [] }
            let ids = pair[1].stringArray.map { $0.compactMap { $0 } } ?? pair[1].string.map { [$0] } ?? []
            return ids.map(Handoff.ready)
        } unsupported: { error in
            guard multiPop, error.isServerError("ERR"), error.message.contains("unknown command") else { return false }
            multiPop = false
            return true
        }
    }

    /// How many activities per stream the reader fetches at least, so loops that finish find the
    /// next one waiting (a fan-out's activities all sit in one stream).
    static let activityFetchCount = 16

    /// Blocks in `XREADGROUP … BLOCK` on the activity streams while any activity loop waits,
    /// fetching per stream as many activities as loops wait (at least ``activityFetchCount``),
    /// and hands them to the loops on the connection's I/O thread; the rest wait in the feed
    /// for the next loop that asks.
    func readActivities() async {
        let streams = (0..<keys.partitions).map(keys.activities)
        let block = String(configuration.maxBlockingWait.milliseconds)
        await readWhileWaited(activityFeed, counted: .activity) { wanted in
            ["XREADGROUP", "GROUP", "dt", consumer, "COUNT", String(max(wanted, Self.activityFetchCount)), "BLOCK", block, "STREAMS"]
                + streams + Array(repeating: ">", count: streams.count)
        } items: { reply in
            // [[stream, [[id, [field, value, ...]]]], ...]; nil when the wait timed out.
            var items: [ActivityWorkItem] = []
            for stream in reply.array ?? [] {
                guard let pair = stream.array, pair.count == 2, let entries = pair[1].array else { continue }
                items += entries.compactMap { try? self.activityItem(entry: $0, deliveries: 1) }
            }
            return items
        } unsupported: { _ in false }
    }

    /// The loop of a reader: while loops wait on `feed`, one blocking read (`command(wanted)`)
    /// whose reply `items` turns into work for them. Failures back off (100 ms doubling to 5 s,
    /// with jitter) and are logged once per outage; `unsupported` may switch to another command
    /// and retry at once. Ends when its task is cancelled.
    private func readWhileWaited<Item: Sendable>(
        _ feed: WorkFeed<Item>, counted category: RoundTripCounter.Category,
        command: (_ wanted: Int) -> [String], items: @escaping @Sendable (RedisValue) -> [Item],
        unsupported: (RedisError) -> Bool
    ) async {
        var backoff = RetryBackoff()
        while !Task.isCancelled {
            let wanted = await feed.unmetDemand()
            guard wanted > 0 else { break }
            let started = ContinuousClock.now
            let arguments = command(wanted)
            do {
                counters.add(category)
                _ = try await blocking.withConnection { c in
                    try await c.send(arguments) { reply in feed.put(items(reply)) }
                }
                health.succeeded(startedAt: started)
                backoff.reset()
                // Let the loops just handed work run first: the next read can wait that long.
                await Task.yield()
            } catch let error as RedisError where unsupported(error) {
                continue
            } catch {
                if Task.isCancelled { break }
                health.failed(error, startedAt: started)
                await health.pause(backoff.next())
            }
        }
    }
}
