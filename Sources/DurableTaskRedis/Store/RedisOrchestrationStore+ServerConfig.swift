import DurableTaskRedisClient

extension RedisOrchestrationStore {
    /// The server's settings matching `pattern` (`CONFIG GET`), on the store's own connections.
    /// Empty when the server refuses `CONFIG GET` (managed services often do).
    package func serverSettings(matching pattern: String) async -> [String: String] {
        guard let reply = try? await command(["CONFIG", "GET", pattern]).array else { return [:] }
        var settings: [String: String] = [:]
        for index in stride(from: 0, to: reply.count - 1, by: 2) {
            if let key = reply[index].string, let value = reply[index + 1].string { settings[key] = value }
        }
        return settings
    }
}
