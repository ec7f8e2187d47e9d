import DurableTaskRedisClient
import Testing

/// One row of the URL parsing table.
struct URLCase: Sendable, CustomTestStringConvertible {
    let input: String
    let expected: RedisURL?
    var testDescription: String { input }
}

private let validCases: [URLCase] = [
    URLCase(input: "redis://localhost", expected: RedisURL(endpoint: .tcp(host: "localhost", port: 6379))),
    URLCase(input: "redis://127.0.0.1:6380", expected: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 6380))),
    URLCase(input: "redis://127.0.0.1:6380/", expected: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 6380))),
    URLCase(input: "redis://127.0.0.1:6380/5",
            expected: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 6380), database: 5)),
    URLCase(input: "REDIS://Example.com:1/0",
            expected: RedisURL(endpoint: .tcp(host: "Example.com", port: 1), database: 0)),
    URLCase(input: "redis://alice:s3cret@127.0.0.1:7000/2",
            expected: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 7000), username: "alice", password: "s3cret", database: 2)),
    URLCase(input: "redis://:onlypass@host",
            expected: RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "onlypass")),
    URLCase(input: "redis://bob@host:1234",
            expected: RedisURL(endpoint: .tcp(host: "host", port: 1234), username: "bob")),
    URLCase(input: "redis://us%40er:p%3Ass%2Fw@h:1/3",
            expected: RedisURL(endpoint: .tcp(host: "h", port: 1), username: "us@er", password: "p:ss/w", database: 3)),
    URLCase(input: "redis://u:p@ss@h",
            expected: RedisURL(endpoint: .tcp(host: "h", port: 6379), username: "u", password: "p@ss")),
    URLCase(input: "redis://[::1]:6390/1",
            expected: RedisURL(endpoint: .tcp(host: "::1", port: 6390), database: 1)),
    URLCase(input: "redis://[::1]", expected: RedisURL(endpoint: .tcp(host: "::1", port: 6379))),
    URLCase(input: "redis://h:9?db=4&password=pw&user=carol",
            expected: RedisURL(endpoint: .tcp(host: "h", port: 9), username: "carol", password: "pw", database: 4)),
    URLCase(input: "unix:///tmp/redis.sock", expected: RedisURL(endpoint: .unixSocket(path: "/tmp/redis.sock"))),
    URLCase(input: "unix:///var/run/redis/redis.sock?db=3",
            expected: RedisURL(endpoint: .unixSocket(path: "/var/run/redis/redis.sock"), database: 3)),
    URLCase(input: "unix:///s.sock?user=alice&password=s%26cret&db=1",
            expected: RedisURL(endpoint: .unixSocket(path: "/s.sock"), username: "alice", password: "s&cret", database: 1)),
    URLCase(input: "unix://alice:pw@/tmp/r.sock?db=2",
            expected: RedisURL(endpoint: .unixSocket(path: "/tmp/r.sock"), username: "alice", password: "pw", database: 2)),
    URLCase(input: "unix://:pw@/tmp/r.sock",
            expected: RedisURL(endpoint: .unixSocket(path: "/tmp/r.sock"), password: "pw")),
    URLCase(input: "unix:///tmp/with%20space.sock", expected: RedisURL(endpoint: .unixSocket(path: "/tmp/with space.sock"))),
]

private let invalidCases: [URLCase] = [
    "", "localhost:6379", "http://localhost", "rediss://localhost", "redis://", "redis://:6379",
    "redis://host:0", "redis://host:65536", "redis://host:port", "redis://host/-1", "redis://host/db",
    "redis://[::1", "redis://[::1]x", "redis://host?db=x", "redis://host?timeout=1", "unix://", "unix://relative.sock",
    "unix:///", "unix://user@relative.sock", "redis://h:1/%zz", "redis://u:%zz@h",
].map { URLCase(input: $0, expected: nil) }

@Suite("Redis URL parsing", .timeLimit(.minutes(3)))
struct RedisURLTests {
    @Test(arguments: validCases)
    func parsesValidURL(_ row: URLCase) throws {
        let parsed = try RedisURL(row.input)
        #expect(parsed == row.expected)
    }

    @Test(arguments: invalidCases)
    func rejectsInvalidURL(_ row: URLCase) {
        #expect {
            _ = try RedisURL(row.input)
        } throws: { error in
            (error as? RedisError)?.code == .invalidConfiguration
        }
    }

    @Test func descriptionHidesThePassword() throws {
        let url = try RedisURL("redis://alice:topsecret@127.0.0.1:7000/2")
        #expect(url.description == "redis://alice:***@127.0.0.1:7000/2")
        #expect(!url.description.contains("topsecret"))
        let error = #expect(throws: RedisError.self) { try RedisURL("redis://alice:topsecret@h:bad") }
        #expect(error?.message.contains("topsecret") == false)
        #expect(try RedisURL("unix:///tmp/r.sock?db=1").description == "unix:///tmp/r.sock?db=1")
    }

    @Test func configurationDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:7001")
        #expect(configuration.url.endpoint == .tcp(host: "127.0.0.1", port: 7001))
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.readTimeout == nil)
        #expect(configuration.reconnectBackoffMin < configuration.reconnectBackoffMax)
        #expect(configuration.poolSize >= 1)
    }
}

/// Passwords in Redis URLs are hidden wherever a URL is printed.
@Suite("Redis URL redaction", .timeLimit(.minutes(1)))
struct RedisURLRedactionTests {
    @Test(arguments: [
        ("redis://user:secret@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://:secret@host", "redis://:***@host"),
        ("redis://secret@host", "redis://***@host"),
        ("rediss://u:p@ss:w@rd@host", "rediss://u:***@host"),
        ("unix:///tmp/r.sock?password=secret&db=2", "unix:///tmp/r.sock?password=***&db=2"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("no url here", "no url here"),
    ])
    func hidesThePassword(text: String, expected: String) {
        #expect(RedisURL.redacting(text) == expected)
    }
}
