/// Settings for a ``RedisConnection`` or ``RedisConnectionPool``.
public struct RedisConfiguration: Sendable {
    /// Where to connect and how to authenticate / which database to select.
    public var url: RedisURL
    /// Timeout for establishing the TCP or unix socket connection. Default 5 s.
    public var connectTimeout: Duration
    /// Socket read/write timeout for replies, or `nil` to wait forever (the default).
    /// When it fires, the request fails with ``RedisError/Code/timeout`` and the
    /// connection is dropped (the stream can no longer be trusted) and re-established
    /// for the next request. Leave `nil` (or larger than the block time) on connections
    /// used for `BLPOP`/`XREADGROUP BLOCK`.
    public var readTimeout: Duration?
    /// First delay between reconnect attempts. Default 20 ms.
    public var reconnectBackoffMin: Duration
    /// Largest delay between reconnect attempts (the delay doubles up to this). Default 2 s.
    public var reconnectBackoffMax: Duration
    /// How long queued requests wait for a broken connection to come back before they
    /// fail with ``RedisError/Code/connectionFailed``. Default 10 s.
    public var reconnectGiveUpAfter: Duration
    /// Number of connections in a ``RedisConnectionPool``. Default 2.
    public var poolSize: Int
    /// Name sent with `CLIENT SETNAME` after connecting (no spaces allowed), or `nil`.
    public var clientName: String?

    /// Creates a configuration with the given endpoint and defaults for everything else.
    public init(
        url: RedisURL,
        connectTimeout: Duration = .seconds(5),
        readTimeout: Duration? = nil,
        reconnectBackoffMin: Duration = .milliseconds(20),
        reconnectBackoffMax: Duration = .seconds(2),
        reconnectGiveUpAfter: Duration = .seconds(10),
        poolSize: Int = 2,
        clientName: String? = nil
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.reconnectBackoffMin = reconnectBackoffMin
        self.reconnectBackoffMax = reconnectBackoffMax
        self.reconnectGiveUpAfter = reconnectGiveUpAfter
        self.poolSize = poolSize
        self.clientName = clientName
    }

    /// Parses `url` (see ``RedisURL``) and uses defaults for everything else.
    /// - Throws: ``RedisError`` with code ``RedisError/Code/invalidConfiguration``.
    public init(url: String) throws(RedisError) {
        self.init(url: try RedisURL(url))
    }
}
