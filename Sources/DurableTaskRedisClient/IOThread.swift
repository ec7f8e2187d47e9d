internal import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts detached OS threads for connection I/O, outside Swift's cooperative pool.
enum IOThread {
    /// Boxes the thread body so it can travel through pthread's `void *` argument.
    private final class Box {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a detached thread named `name` (truncated to 15 bytes) running `body`.
    /// SIGPIPE is blocked on the new thread, so writes to a socket the server closed
    /// fail with `EPIPE` instead of killing the process.
    static func start(name: String, body: sending @escaping () -> Void) throws(RedisError) {
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))

        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            _ = pthread_setname_np(pthread_self(), String(decoding: box.name.utf8.prefix(15), as: UTF8.self))
            box.body()
            return nil
        }, box.toOpaque())
        if result != 0 {
            box.release()
            throw RedisError(code: .connectionFailed, message: "could not start I/O thread (pthread_create: \(result))")
        }
    }
}
