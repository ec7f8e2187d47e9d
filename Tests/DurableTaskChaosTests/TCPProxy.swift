import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP forwarder between clients (the workers) and a redis-server, which can cut every
/// connection on demand. A cut waits (up to 200 ms) for the next chunk a client sends, forwards
/// only its first half, then closes every connection: the server sees a command cut in the middle.
///
/// One thread polls every socket. `@unchecked Sendable`: the flags are guarded by `lock`; the
/// sockets belong to the thread.
final class TCPProxy: @unchecked Sendable {
    /// The port clients connect to, on 127.0.0.1.
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var cutRequested = false
    private var stopping = false
    private var _cuts = 0
    private var _connections = 0
    private let finished = DispatchSemaphore(value: 0)

    /// Cuts done, and connections accepted, so far.
    var cuts: Int { lock.withLock { _cuts } }
    var connections: Int { lock.withLock { _connections } }

    var url: String { "redis://127.0.0.1:\(port)" }

    private init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw ProxyError(message: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 128) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok else {
            close(listener)
            throw ProxyError(message: "bind/listen on 127.0.0.1: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Listens on a free loopback port and forwards each connection to `upstreamPort`.
    static func start(upstreamPort: Int) throws -> TCPProxy {
        let proxy = try TCPProxy(upstreamPort: upstreamPort)
        let thread = Thread {
            proxy.forward()
            proxy.finished.signal()
        }
        thread.name = "TCPProxy"
        thread.start()
        return proxy
    }

    /// Asks the proxy thread to cut every open connection (mid-command if a client is sending).
    func cutAll() { lock.withLock { cutRequested = true } }

    /// Stops forwarding, closes every socket and waits for the thread to end. Call it: the thread
    /// keeps the proxy alive until then.
    func stop() {
        let already = lock.withLock { () -> Bool in
            defer { stopping = true }
            return stopping
        }
        guard !already else { return }
        finished.wait()
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func connectUpstream() -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = Self.loopback(port: UInt16(upstreamPort))
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if !ok { close(fd) }
        return ok ? fd : nil
    }

    /// Writes all of `count` bytes; false if the peer is gone.
    private func writeAll(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = write(fd, buffer + done, count - done)
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// The proxy thread: polls the listener and every (client, server) pair every 50 ms at most.
    private func forward() {
        var pairs: [(client: Int32, server: Int32)] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 65_536, alignment: 1)
        defer {
            buffer.deallocate()
            for pair in pairs { close(pair.client); close(pair.server) }
            close(listener)
        }
        var cutSince: ContinuousClock.Instant?
        func closeAll() {
            for pair in pairs { shutdown(pair.client, Int32(SHUT_RDWR)); close(pair.client); close(pair.server) }
            pairs.removeAll()
            cutSince = nil
            lock.withLock { _cuts += 1; cutRequested = false }
        }
        while true {
            let (stop, cut) = lock.withLock { (stopping, cutRequested) }
            if stop { return }
            if cut, cutSince == nil { cutSince = .now }
            if let since = cutSince, ContinuousClock.now - since > .milliseconds(200) { closeAll() }
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            for pair in pairs {
                fds.append(pollfd(fd: pair.client, events: Int16(POLLIN), revents: 0))
                fds.append(pollfd(fd: pair.server, events: Int16(POLLIN), revents: 0))
            }
            guard poll(&fds, nfds_t(fds.count), 50) > 0 else { continue }
            var dead: Set<Int> = []
            for (index, pair) in pairs.enumerated() {
                for (fd, other, fromClient) in [(pair.client, pair.server, true), (pair.server, pair.client, false)] {
                    let revents = fds[1 + 2 * index + (fromClient ? 0 : 1)].revents
                    guard revents != 0, !dead.contains(index) else { continue }
                    let n = read(fd, buffer, 65_536)
                    if n <= 0 { dead.insert(index); continue }
                    if fromClient, cutSince != nil, n > 1 {
                        _ = writeAll(other, buffer, n / 2)  // half a command, then the line goes dead
                        closeAll()
                        break
                    }
                    if !writeAll(other, buffer, n) { dead.insert(index) }
                }
                if pairs.isEmpty { break }
            }
            if !pairs.isEmpty {
                for index in dead.sorted(by: >) {
                    close(pairs[index].client)
                    close(pairs[index].server)
                    pairs.remove(at: index)
                }
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    if let server = connectUpstream() {
                        pairs.append((client, server))
                        lock.withLock { _connections += 1 }
                    } else {
                        close(client)
                    }
                }
            }
        }
    }
}

struct ProxyError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
