import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks that the API's address is free before anything else starts, so a busy port is a
/// one-line error instead of a half-started host.
enum PortProbe {
    /// Binds a throwaway socket to `host:port` and closes it. Port 0 always passes.
    static func checkAvailable(host: String, port: Int) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        let host = host == "localhost" ? "127.0.0.1" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw HostError(.invalidConfiguration, "cannot resolve the bind address '\(host)' (--host)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let reason = errno == EADDRINUSE ? "the port is already in use" : String(cString: strerror(errno))
            throw HostError(.listenFailed, "cannot listen on \(host):\(port): \(reason); pick another --port (or DURABLE_PORT) or stop what uses it")
        }
    }
}
