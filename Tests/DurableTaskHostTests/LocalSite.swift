import Hummingbird
import Logging
import Synchronization

/// A Hummingbird site on 127.0.0.1 (OS-chosen port) for the CheckSiteAvailable example:
/// `/slow` answers 202 with `Location: /ready` twice, `/ready` answers 200, `/missing` 404.
func withLocalSite<T: Sendable>(_ body: (_ baseURL: String, _ hits: HitCounter) async throws -> T) async throws -> T {
    let hits = HitCounter()
    let router = Router()
    router.get("/slow") { _, _ -> Response in
        hits.add()
        return Response(status: .accepted, headers: [.location: "/ready", .retryAfter: "0"])
    }
    router.get("/ready") { _, _ -> Response in
        hits.add()
        return Response(status: .ok)
    }
    router.get("/missing") { _, _ in Response(status: .notFound) }
    let (ports, sink) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            sink.yield(channel.localAddress?.port ?? -1)
            sink.finish()
        },
        logger: Logger(label: "site", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.run()
            return nil
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw HostProcessError(message: "the local site did not start") }
        return try await body("http://127.0.0.1:\(port)", hits)
    }
}

/// Counts requests to the local site.
final class HitCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
