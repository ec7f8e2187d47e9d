/// Hand-written parser behind ``RedisURL/init(_:)`` (no Foundation dependency).
struct RedisURLParser {
    private let input: String

    init(_ input: String) {
        self.input = input
    }

    mutating func parse() throws(RedisError) -> RedisURL {
        guard let schemeEnd = input.firstRange(of: "://") else {
            throw invalid("missing scheme (expected redis:// or unix://)")
        }
        let scheme = input[..<schemeEnd.lowerBound].lowercased()
        var rest = Substring(input[schemeEnd.upperBound...])

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }

        var url: RedisURL
        switch scheme {
        case "redis":
            url = try parseTCP(rest)
        case "unix", "redis+unix", "redis+socket":
            url = try parseUnix(rest)
        case "rediss":
            throw invalid("TLS (rediss://) is not supported")
        default:
            throw invalid("unsupported scheme '\(scheme)'")
        }
        try applyQuery(query, to: &url)
        return url
    }

    private func parseTCP(_ text: Substring) throws(RedisError) -> RedisURL {
        var rest = text
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[slash...]
            rest = rest[..<slash]
        }
        let (username, password, hostPort) = try splitUserinfo(rest)

        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw invalid("missing host") }

        var port = RedisURL.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw invalid("invalid port '\(portText)'")
            }
            port = value
        }

        var database: Int?
        let dbText = path.drop(while: { $0 == "/" })
        if !dbText.isEmpty {
            guard let value = Int(dbText), value >= 0 else { throw invalid("invalid database '\(dbText)'") }
            database = value
        }
        return RedisURL(
            endpoint: .tcp(host: String(host), port: port),
            username: username, password: password, database: database
        )
    }

    private func parseUnix(_ text: Substring) throws(RedisError) -> RedisURL {
        var username: String?
        var password: String?
        var path = text
        if !text.hasPrefix("/") {
            guard let at = text.firstIndex(of: "@") else {
                throw invalid("unix socket path must be absolute (unix:///path/to/sock)")
            }
            (username, password, _) = try splitUserinfo(text[...at])
            path = text[text.index(after: at)...]
        }
        let decoded = try percentDecode(path)
        guard decoded.hasPrefix("/"), decoded.count > 1 else {
            throw invalid("unix socket path must be absolute (unix:///path/to/sock)")
        }
        return RedisURL(endpoint: .unixSocket(path: decoded), username: username, password: password)
    }

    /// Splits `user:pass@rest` into its parts; `rest` is everything after the last `@`.
    private func splitUserinfo(_ text: Substring) throws(RedisError) -> (String?, String?, Substring) {
        guard let at = text.lastIndex(of: "@") else { return (nil, nil, text) }
        let userinfo = text[..<at]
        let rest = text[text.index(after: at)...]
        if let colon = userinfo.firstIndex(of: ":") {
            let user = userinfo[..<colon]
            let pass = userinfo[userinfo.index(after: colon)...]
            return (
                user.isEmpty ? nil : try percentDecode(user),
                try percentDecode(pass),
                rest
            )
        }
        return (userinfo.isEmpty ? nil : try percentDecode(userinfo), nil, rest)
    }

    private func applyQuery(_ query: Substring, to url: inout RedisURL) throws(RedisError) {
        guard !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            let value = try percentDecode(parts.count > 1 ? parts[1] : "")
            switch key {
            case "db", "database":
                guard let db = Int(value), db >= 0 else { throw invalid("invalid database '\(value)'") }
                url.database = db
            case "user", "username":
                url.username = value.isEmpty ? nil : value
            case "password":
                url.password = value
            default:
                throw invalid("unknown query parameter '\(key)'")
            }
        }
    }

    private func percentDecode(_ text: Substring) throws(RedisError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw invalid("bad percent-encoding")
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private func invalid(_ reason: String) -> RedisError {
        RedisError(code: .invalidConfiguration, message: "invalid Redis URL '\(redacted)': \(reason)")
    }

    /// The input with its password hidden, so passwords never reach logs.
    private var redacted: String { RedisURL.redacting(input) }
}
