import Foundation

extension DurableHTTPDestinations {
    /// Parses an allow-list as a host's flags give it: `*` alone allows everything; otherwise each
    /// entry is `[scheme://]host[:port]`, where the scheme defaults to `https`, `host` may be
    /// `*.suffix`, and the port is a number or `*` (default: the scheme's). No entries: deny all.
    ///
    /// - Throws: ``DurableHTTPError`` (`invalidRequest`) naming the entry that does not parse.
    public init(parsing entries: [String]) throws {
        let trimmed = entries.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if trimmed == ["*"] {
            self = .allowAll
            return
        }
        self = .only(try trimmed.map(DurableHTTPDestinationRule.init(parsing:)))
    }
}

extension DurableHTTPDestinationRule {
    /// Parses `[scheme://]host[:port]` (see ``DurableHTTPDestinations/init(parsing:)``).
    public init(parsing entry: String) throws {
        func fail() -> DurableHTTPError {
            DurableHTTPError(.invalidRequest, "invalid HTTP destination '\(entry)': use [http://|https://]host[:port|:*], e.g. api.example.com or http://127.0.0.1:8080")
        }
        var rest = Substring(entry)
        var scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { throw fail() }
        var port = Port.schemeDefault
        var host = rest
        if rest.hasPrefix("[") {
            // [IPv6]:port
            guard let close = rest.firstIndex(of: "]") else { throw fail() }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst(), fail) } else if !after.isEmpty { throw fail() }
        } else if let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon {
            host = rest[..<colon]
            port = try Self.port(rest[rest.index(after: colon)...], fail)
        }
        guard !host.isEmpty, !host.contains("/") else { throw fail() }
        self.init(scheme: scheme, host: String(host), port: port)
    }

    private static func port(_ text: Substring, _ fail: () -> DurableHTTPError) throws -> Port {
        if text == "*" { return .any }
        guard let n = Int(text), (1...65535).contains(n) else { throw fail() }
        return .exactly(n)
    }
}
