import Foundation

/// The host-level guard against server-side request forgery: which destinations durable HTTP
/// calls may reach.
///
/// The default is ``denyAll``: nothing is reachable until the host lists its destinations with
/// ``only(_:)``, or opts out of the guard explicitly with ``allowAll``. Whatever the setting,
/// only `http` and `https` URLs with a host are accepted. The guard checks every request the
/// activity sends, including each poll of a 202 `Location`, and each redirect the HTTP client
/// followed; a refusal is a non-retriable ``DurableHTTPError/Code/destinationNotAllowed`` that
/// names the host.
///
/// The guard matches the URL's host name as written; it does not resolve names. Allow only
/// names you control, and keep internal addresses (loopback, link-local, private ranges,
/// metadata endpoints) off the list unless calling them is the point.
public struct DurableHTTPDestinations: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case all
        case rules([DurableHTTPDestinationRule])
    }

    let storage: Storage

    /// Every http(s) destination is allowed: no SSRF guard. Use only when the orchestrations and
    /// their inputs are fully trusted.
    public static let allowAll = DurableHTTPDestinations(storage: .all)

    /// No destination is allowed. The default.
    public static let denyAll = DurableHTTPDestinations(storage: .rules([]))

    /// Only destinations matching one of the rules are allowed. An empty list allows nothing.
    public static func only(_ rules: [DurableHTTPDestinationRule]) -> Self {
        Self(storage: .rules(rules))
    }

    /// The rules, or `nil` for ``allowAll``.
    public var rules: [DurableHTTPDestinationRule]? {
        if case .rules(let rules) = storage { return rules }
        return nil
    }

    /// Checks a URL. Throws ``DurableHTTPError`` (``DurableHTTPError/Code/invalidRequest`` for a
    /// URL that is not absolute http(s), ``DurableHTTPError/Code/destinationNotAllowed`` for a
    /// destination outside the list).
    package func check(_ url: String) throws {
        guard let parsed = URL(string: url), let rawScheme = parsed.scheme, let rawHost = parsed.host, !rawHost.isEmpty else {
            throw DurableHTTPError(.invalidRequest, "'\(url)' is not an absolute URL with a host")
        }
        let scheme = rawScheme.lowercased()
        guard let defaultPort = Self.defaultPort(scheme) else {
            throw DurableHTTPError(.invalidRequest, "'\(url)' has scheme '\(rawScheme)'; only http and https are supported")
        }
        let host = Self.normalize(host: rawHost)
        let port = parsed.port ?? defaultPort
        switch storage {
        case .all:
            return
        case .rules(let rules):
            if rules.contains(where: { $0.allows(scheme: scheme, host: host, port: port) }) { return }
            let listed = rules.isEmpty ? "the list is empty (the default denies everything)" : "allowed: " + rules.map(\.description).joined(separator: ", ")
            throw DurableHTTPError(
                .destinationNotAllowed,
                "destination \(scheme)://\(host):\(port) is not allowed: host '\(host)' is not in the durable HTTP allow-list (\(listed)); "
                    + "add it to DurableHTTPConfiguration.destinations")
        }
    }

    /// `allowAll`, `denyAll` or `only(rule, ...)`.
    public var description: String {
        switch storage {
        case .all: return "allowAll"
        case .rules(let rules): return rules.isEmpty ? "denyAll" : "only(\(rules.map(\.description).joined(separator: ", ")))"
        }
    }

    static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "https": return 443
        case "http": return 80
        default: return nil
        }
    }

    /// Lower-cased, without IPv6 brackets and without a trailing dot.
    static func normalize(host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h.removeLast() }
        return h
    }
}
