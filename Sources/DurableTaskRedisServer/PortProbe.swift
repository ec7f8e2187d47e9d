import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one place that asks the kernel about TCP ports: whether an address is free before a
/// server binds it (so a busy port is a one-line error, not a half-started host), and which
/// loopback port is free for a private redis-server.
package enum PortProbe {
    /// Why a port cannot be had.
    package struct Failure: Error, CustomStringConvertible {
        /// The address could not be resolved.
        package var unresolvable = false
        /// Another socket holds the port.
        package var inUse = false
        /// What went wrong.
        package let description: String
    }

    /// Binds a throwaway socket to `host:port` (with `SO_REUSEADDR`, as servers bind) and closes
    /// it. Port 0 always passes. `localhost` means 127.0.0.1.
    package static func checkAvailable(host: String, port: Int) throws(Failure) {
        guard port != 0 else { return }
        let host = host == "localhost" ? "127.0.0.1" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        _ = try bind(host: host, port: port)
    }

    /// A port on 127.0.0.1 that is free now: the kernel's choice for port 0.
    package static func freeLoopbackPort() throws(Failure) -> Int {
        try bind(host: "127.0.0.1", port: 0)
    }

    /// Binds a socket to `host:port`, closes it and returns the port it was bound to.
    private static func bind(host: String, port: Int) throws(Failure) -> Int {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw Failure(unresolvable: true, description: "cannot resolve the address '\(host)'")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let inUse = errno == EADDRINUSE
            throw Failure(inUse: inUse, description: inUse ? "the port is already in use" : String(cString: strerror(errno)))
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "getsockname(): \(String(cString: strerror(errno)))") }
        let isIPv6 = Int32(address.ss_family) == AF_INET6
        return withUnsafePointer(to: address) { pointer in
            if isIPv6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
