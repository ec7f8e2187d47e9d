import DurableTaskRedisClient
import DurableTaskRedis
import Logging

extension DurableHost {
    /// Checks that a Redis given by URL persists as ``HostConfiguration/durability`` promises (the
    /// embedded redis-server is started to match). `always` needs `appendonly yes` and
    /// `appendfsync always` and refuses to start without them; `everysec` warns when Redis keeps no
    /// append-only file. A Redis that does not allow `CONFIG GET` is not verified, and the log says so.
    /// - Throws: ``HostError`` with `invalidConfiguration`, naming the settings to change.
    func checkDurability(store: RedisOrchestrationStore, url: String) async throws {
        guard configuration.redisURL != nil else { return }
        let settings = await store.serverSettings(matching: "append*")
        let mode = configuration.durability
        guard let appendOnly = settings["appendonly"], let fsync = settings["appendfsync"] else {
            logger.warning(
                "cannot read the Redis persistence settings (CONFIG GET refused); durability is not verified",
                metadata: [LogKeys.durability: "\(mode.rawValue)", LogKeys.redis: .string(RedisURL.redacting(url))])
            return
        }
        switch mode {
        case .always where appendOnly != "yes" || fsync != "always":
            throw HostError(
                .invalidConfiguration,
                "--durability always needs the Redis at \(RedisURL.redacting(url)) to run with appendonly yes and appendfsync always (it has appendonly \(appendOnly), appendfsync \(fsync)); set them in its configuration, or use --durability everysec")
        case .everysec where appendOnly != "yes":
            logger.warning(
                "Redis keeps no append-only file: a crash loses everything since its last snapshot, not only the last second; set appendonly yes",
                metadata: [LogKeys.durability: "\(mode.rawValue)", LogKeys.redis: .string(RedisURL.redacting(url))])
        default:
            break
        }
    }
}
