/// One allowed destination of durable HTTP calls: a scheme, a host pattern and a port.
public struct DurableHTTPDestinationRule: Sendable, Hashable, CustomStringConvertible {
    /// Which ports a rule allows.
    public enum Port: Sendable, Hashable {
        /// The scheme's default port only: 443 for `https`, 80 for `http`.
        case schemeDefault
        /// Exactly this port.
        case exactly(Int)
        /// Any port.
        case any
    }

    /// `"https"` or `"http"`, compared case-insensitively.
    public var scheme: String
    /// An exact host name or IP address (`"api.example.com"`, `"127.0.0.1"`, `"::1"`), or
    /// `"*.suffix"`, which matches any host ending in `.suffix` (subdomains only, not `suffix` itself).
    /// Compared case-insensitively; a trailing dot is ignored.
    public var host: String
    /// The allowed port or ports.
    public var port: Port

    /// Creates a rule.
    public init(scheme: String = "https", host: String, port: Port = .schemeDefault) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// An `https` rule.
    public static func https(_ host: String, port: Port = .schemeDefault) -> Self {
        Self(scheme: "https", host: host, port: port)
    }

    /// An `http` rule.
    public static func http(_ host: String, port: Port = .schemeDefault) -> Self {
        Self(scheme: "http", host: host, port: port)
    }

    /// Whether the rule allows this destination. `host` must already be normalized.
    func allows(scheme: String, host: String, port: Int) -> Bool {
        guard self.scheme.lowercased() == scheme else { return false }
        switch self.port {
        case .any: break
        case .exactly(let p): guard p == port else { return false }
        case .schemeDefault: guard DurableHTTPDestinations.defaultPort(scheme) == port else { return false }
        }
        let pattern = DurableHTTPDestinations.normalize(host: self.host)
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)  // ".example.com"
            return host.hasSuffix(suffix) && host.count > suffix.count
        }
        return pattern == host
    }

    /// The rule as `scheme://host[:port]`, with `:*` for any port.
    public var description: String {
        let portText: String
        switch port {
        case .schemeDefault: portText = ""
        case .exactly(let p): portText = ":\(p)"
        case .any: portText = ":*"
        }
        return "\(scheme)://\(host)\(portText)"
    }
}
