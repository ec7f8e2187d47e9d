/// A failed expectation inside a conformance scenario.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Where.
    public var location: String

    init(_ description: String, file: StaticString, line: UInt) {
        self.description = "\(description) (\(file):\(line))"
        self.location = "\(file):\(line)"
    }
}

/// Throws a ``ConformanceFailure`` unless `condition` holds.
func require(
    _ condition: @autoclosure () throws -> Bool, _ message: @autoclosure () -> String = "requirement failed",
    file: StaticString = #fileID, line: UInt = #line
) throws {
    guard try condition() else { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Throws unless the two values are equal.
func requireEqual<T: Equatable>(
    _ actual: T, _ expected: T, _ message: @autoclosure () -> String = "", file: StaticString = #fileID, line: UInt = #line
) throws {
    guard actual == expected else {
        throw ConformanceFailure("expected \(expected), got \(actual). \(message())", file: file, line: line)
    }
}

/// Runs `body` and requires it to throw an error for which `matches` is true.
func requireThrows<R>(
    _ what: String, file: StaticString = #fileID, line: UInt = #line,
    _ body: () async throws -> R, matches: (any Error) -> Bool
) async throws {
    do {
        _ = try await body()
    } catch {
        guard matches(error) else { throw ConformanceFailure("\(what): unexpected error \(error)", file: file, line: line) }
        return
    }
    throw ConformanceFailure("\(what): expected an error, got none", file: file, line: line)
}
