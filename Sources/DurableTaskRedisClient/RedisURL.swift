import Foundation
/// Where a Redis server is and how to log in to it, parsed from a URL.
///
/// Accepted forms:
/// - `redis://host`, `redis://host:port`, `redis://host:port/db` (port defaults to 6379,
///   IPv6 hosts in brackets: `redis://[::1]:6380`)
/// - `redis://user:password@host:port/db` (ACL login), `redis://:password@host` (password only),
///   `redis://user@host` (username only: no `AUTH` is sent without a password)
/// - `unix:///path/to/redis.sock`, `unix:///path/to/redis.sock?db=2&user=u&password=p`,
///   `unix://user:password@/path/to/redis.sock?db=2`
///
/// The query keys `db`, `user` (or `username`) and `password` are accepted for both schemes;
/// any other key is rejected. User names and passwords may be percent-encoded.
/// `rediss://` (TLS) is not supported.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// The transport endpoint of a Redis server.
    public enum Endpoint: Sendable, Hashable {
        /// A TCP endpoint (host name, IPv4 or IPv6 address, and port).
        case tcp(host: String, port: Int)
        /// A unix domain socket at an absolute path.
        case unixSocket(path: String)
    }

    /// The default Redis TCP port, used only when a `redis://` URL names no port.
    public static let defaultPort = 6379

    /// The transport endpoint.
    public var endpoint: Endpoint
    /// The ACL user name for `AUTH user password`, if any.
    public var username: String?
    /// The password for `AUTH`, if any.
    public var password: String?
    /// The logical database to `SELECT` after connecting, if any.
    public var database: Int?

    /// Creates a URL value from its parts.
    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int? = nil) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL.
    /// - Throws: ``RedisError`` with code ``RedisError/Code/invalidConfiguration``.
    public init(_ string: String) throws(RedisError) {
        var parser = RedisURLParser(string)
        self = try parser.parse()
    }

    /// The URL with the password replaced by `***`, safe to log.
    public var description: String {
        var userinfo = ""
        if username != nil || password != nil {
            userinfo = (username ?? "") + (password != nil ? ":***" : "") + "@"
        }
        switch endpoint {
        case .tcp(let host, let port):
            let hostPart = host.contains(":") ? "[\(host)]" : host
            let db = database.map { "/\($0)" } ?? ""
            return "redis://\(userinfo)\(hostPart):\(port)\(db)"
        case .unixSocket(let path):
            let db = database.map { "?db=\($0)" } ?? ""
            return "unix://\(userinfo)\(path)\(db)"
        }
    }
}

extension RedisURL {
    /// A Redis URL as text with its password hidden, for logs and error messages:
    /// `redis://user:secret@host` becomes `redis://user:***@host`, `redis://secret@host`
    /// becomes `redis://***@host`, and a `password=` query value becomes `***`. Text that is not
    /// a URL comes back unchanged.
    package static func redacting(_ text: String) -> String {
        var out = text
        if let schemeEnd = out.range(of: "://"), let at = out[schemeEnd.upperBound...].lastIndex(of: "@") {
            let userinfo = out[schemeEnd.upperBound..<at]
            let shown = userinfo.firstIndex(of: ":").map { String(userinfo[..<$0]) + ":***" } ?? "***"
            out.replaceSubrange(schemeEnd.upperBound..<at, with: shown)
        }
        var searchStart = out.startIndex
        while let key = out.range(of: "password=", options: .caseInsensitive, range: searchStart..<out.endIndex) {
            let valueEnd = out[key.upperBound...].firstIndex(where: { $0 == "&" || $0 == "#" || $0 == " " }) ?? out.endIndex
            out.replaceSubrange(key.upperBound..<valueEnd, with: "***")
            searchStart = out.index(key.upperBound, offsetBy: 3)
        }
        return out
    }
}
