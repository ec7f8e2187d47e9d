import DurableTaskRedisClient
public import DurableTask

extension ErrorCode where Domain == DurableTaskError {
    /// Redis does not hold the version of the `durabletask` Redis Functions library this build
    /// needs: another version is loaded (run `durable upgrade-functions`, see `lua/README.md`),
    /// or a function is missing (someone ran `FUNCTION FLUSH`).
    public static var functionLibraryMismatch: Self { Self("functionLibraryMismatch") }
}

/// What ``RedisOrchestrationStore/upgradeFunctionLibrary(url:)`` did.
public struct FunctionLibraryUpgrade: Sendable, Equatable {
    /// The version Redis held before, `nil` if it held no `durabletask` library, or `0` if it held
    /// one without a version.
    public var previousVersion: Int?
    /// The version Redis holds now: ``RedisOrchestrationStore/functionLibraryVersion``.
    public var version: Int
}

/// Loads, checks and replaces the `durabletask` Redis Functions library, and builds `FCALL`s.
enum FunctionLibrary {
    /// The `durabletask` library Redis holds.
    enum Installed: Equatable {
        /// No library of that name.
        case absent
        /// A library whose `dt_library_version` returns this version (0: it has no such function).
        case version(Int)
    }

    /// `FCALL <function> <numkeys> <keys...> <arguments...>`.
    static func call(_ function: LuaLibrary.Function, keys: [String], arguments: [String]) -> [String] {
        ["FCALL", function.rawValue, String(keys.count)] + keys + arguments
    }

    /// The library Redis holds, in one round trip.
    static func installed(_ client: some RedisClient) async throws -> Installed {
        let replies = try await client.pipeline([
            ["FUNCTION", "LIST", "LIBRARYNAME", LuaLibrary.name],
            ["FCALL_RO", LuaLibrary.Function.libraryVersion.rawValue, "0"],
        ])
        if let message = replies.first?.errorMessage, message.lowercased().contains("unknown command") {
            throw DurableTaskError(
                .storeFailure, "this Redis has no Redis Functions (\(message)); the task hub needs Redis 7.0 or later")
        }
        guard replies.count == 2, let libraries = replies[0].array else {
            throw DurableTaskError(.storeFailure, "unexpected FUNCTION LIST reply: \(replies.first ?? .null)")
        }
        // LIBRARYNAME is a pattern; each library is a flat list of field names and values.
        let present = libraries.contains { library in
            let fields = library.array ?? []
            return stride(from: 0, to: fields.count - 1, by: 2).contains {
                fields[$0].string == "library_name" && fields[$0 + 1].string == LuaLibrary.name
            }
        }
        guard present else { return .absent }
        return .version(replies[1].int ?? 0)
    }

    /// Loads the library unless Redis holds it; throws ``DurableTaskError/Code/functionLibraryMismatch``
    /// when Redis holds another version. Two processes may run this at once: the one whose load
    /// loses the race reads the winner's version.
    static func prepare(_ client: some RedisClient, url: RedisURL) async throws {
        do {
            var state = try await installed(client)
            if state == .absent {
                let reply = try await client.pipeline([["FUNCTION", "LOAD", LuaLibrary.source]])
                if let message = reply.first?.errorMessage {
                    guard message.contains("already exists") else {
                        throw DurableTaskError(.storeFailure, "loading the Redis Functions library '\(LuaLibrary.name)' failed: \(message)")
                    }
                    state = try await installed(client)
                }
                if state == .absent { return }
            }
            if case .version(let held) = state, held != LuaLibrary.version {
                throw mismatch(held: held, url: url)
            }
        } catch let error as RedisError {
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// Replaces the library with this build's version (`FUNCTION LOAD REPLACE`).
    static func replace(_ client: some RedisClient) async throws -> FunctionLibraryUpgrade {
        do {
            let before = try await installed(client)
            let reply = try await client.pipeline([["FUNCTION", "LOAD", "REPLACE", LuaLibrary.source]])
            if let message = reply.first?.errorMessage {
                throw DurableTaskError(.storeFailure, "replacing the Redis Functions library '\(LuaLibrary.name)' failed: \(message)")
            }
            let previous: Int? = if case .version(let v) = before { v } else { nil }
            return FunctionLibraryUpgrade(previousVersion: previous, version: LuaLibrary.version)
        } catch let error as RedisError {
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// The one-line error for a Redis that holds version `held` (0: unknown) of the library; the
    /// URL is shown with its password hidden.
    static func mismatch(held: Int, url: RedisURL) -> DurableTaskError {
        let ours = LuaLibrary.version
        let what = held == 0 ? "a version-less" : "version \(held) of the"
        let upgrade = "`durable upgrade-functions --redis \(url)`"
        let todo = held > ours
            ? "run a build with library version \(held), or run \(upgrade) from this build to go back to version \(ours)"
            : "stop the workers of the older build, then run \(upgrade) from this build"
        return DurableTaskError(
            .functionLibraryMismatch,
            "Redis holds \(what) Redis Functions library '\(LuaLibrary.name)', but this build needs version \(ours): \(todo) (see lua/README.md)")
    }

    /// The error for a function Redis does not have at call time.
    static func missing(_ function: LuaLibrary.Function, reply: String) -> DurableTaskError {
        DurableTaskError(
            .functionLibraryMismatch,
            "Redis has no function '\(function.rawValue)' (\(reply)); the Redis Functions library '\(LuaLibrary.name)' was removed (FUNCTION FLUSH?): restart the store, which loads version \(LuaLibrary.version), or run `durable upgrade-functions`")
    }
}
