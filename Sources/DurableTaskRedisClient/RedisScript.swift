import Crypto

/// A Lua script identified by its SHA-1, run with `EVALSHA`.
///
/// The digest is computed locally, so no round trip is needed before the first call.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The lowercase hex SHA-1 of ``source``, as Redis computes it for `SCRIPT LOAD`.
    public let sha1: String

    /// Creates a script and computes its SHA-1.
    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }
}

extension RedisClient {
    /// Runs `script` with `EVALSHA`. If the server answers `NOSCRIPT` (script cache empty,
    /// e.g. after a restart or `SCRIPT FLUSH`), loads it with `SCRIPT LOAD` and retries once.
    /// - Returns: The script's reply.
    /// - Throws: ``RedisError``; a Lua error is thrown with code ``RedisError/Code/serverError``.
    public func eval(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws -> RedisValue {
        let command = ["EVALSHA", script.sha1, String(keys.count)] + keys + arguments
        do {
            return try await send(command)
        } catch let error as RedisError where error.isServerError("NOSCRIPT") {
            try await load(script)
            return try await send(command)
        }
    }

    /// Binary-safe variant of ``eval(_:keys:arguments:)-(_,[String],[String])``.
    public func eval(_ script: RedisScript, keys: [[UInt8]], arguments: [[UInt8]]) async throws -> RedisValue {
        let command = [Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(keys.count).utf8)] + keys + arguments
        do {
            return try await send(command)
        } catch let error as RedisError where error.isServerError("NOSCRIPT") {
            try await load(script)
            return try await send(command)
        }
    }

    /// Loads `script` into the server's script cache with `SCRIPT LOAD`.
    /// - Throws: ``RedisError`` with code ``RedisError/Code/protocolError`` if the server
    ///   reports a different SHA-1 than the one computed locally.
    public func load(_ script: RedisScript) async throws {
        let reply = try await send(["SCRIPT", "LOAD", script.source])
        guard reply.string == script.sha1 else {
            throw RedisError(
                code: .protocolError,
                message: "SCRIPT LOAD returned \(reply), expected \(script.sha1)"
            )
        }
    }
}
