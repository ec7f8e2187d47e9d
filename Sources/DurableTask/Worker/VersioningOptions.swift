/// Which orchestration versions a worker runs, as the Durable Task SDKs' versioning options do.
///
/// During a rolling deploy, workers of the old and the new code share one task hub. With a
/// version and a match strategy, a worker runs only the executions whose version
/// (`ExecutionStartedEvent.version`) it can replay; the failure strategy says what happens to
/// the rest: left for another worker (``FailureStrategy/reject``), or failed with a
/// `VersionMismatch` failure (``FailureStrategy/fail``).
public struct VersioningOptions: Sendable, Hashable {
    /// How an execution's version is compared with the worker's.
    public enum MatchStrategy: Sendable, Hashable {
        /// Every version runs.
        case none
        /// Only the worker's own version runs.
        case strict
        /// The worker's version and older ones run; newer ones do not.
        case currentOrOlder
    }

    /// What happens to an execution whose version does not match.
    public enum FailureStrategy: Sendable, Hashable {
        /// The work item is released for another worker; the instance waits and never fails.
        case reject
        /// The instance fails with a non-retriable `VersionMismatch` failure.
        case fail
    }

    /// The worker's version.
    public var version: String?
    /// How versions are compared.
    public var matchStrategy: MatchStrategy
    /// What happens on a mismatch.
    public var failureStrategy: FailureStrategy

    /// Creates options; the defaults run every version.
    public init(version: String? = nil, matchStrategy: MatchStrategy = .none, failureStrategy: FailureStrategy = .reject) {
        self.version = version
        self.matchStrategy = matchStrategy
        self.failureStrategy = failureStrategy
    }

    /// Why this worker must not run an execution of `version`, or `nil` if it may.
    package func mismatch(_ executionVersion: String?) -> FailureDetails? {
        let order = Self.compare(executionVersion, version)
        switch matchStrategy {
        case .none:
            return nil
        case .strict where order != 0:
            return FailureDetails(
                errorType: EngineFailure.versionMismatch,
                errorMessage: "The orchestration version '\(executionVersion ?? "")' does not match the worker version '\(version ?? "")'.",
                isNonRetriable: true)
        case .currentOrOlder where order > 0:
            return FailureDetails(
                errorType: EngineFailure.versionMismatch,
                errorMessage: "The orchestration version '\(executionVersion ?? "")' is greater than the worker version '\(version ?? "")'.",
                isNonRetriable: true)
        default:
            return nil
        }
    }

    /// Orders two versions: numerically by dot-separated parts when both are numeric
    /// (`"1.10" > "1.9"`), else as text. A missing version is older than any other.
    package static func compare(_ a: String?, _ b: String?) -> Int {
        let a = a ?? "", b = b ?? ""
        if a.isEmpty || b.isEmpty { return a.isEmpty ? (b.isEmpty ? 0 : -1) : 1 }
        let pa = a.split(separator: ".").compactMap { Int($0) }, pb = b.split(separator: ".").compactMap { Int($0) }
        let numeric = pa.count == a.split(separator: ".").count && pb.count == b.split(separator: ".").count
        if numeric {
            for i in 0..<max(pa.count, pb.count) {
                let x = i < pa.count ? pa[i] : 0, y = i < pb.count ? pb[i] : 0
                if x != y { return x < y ? -1 : 1 }
            }
            return 0
        }
        return a == b ? 0 : (a < b ? -1 : 1)
    }
}
