#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`).
///
/// Every Redis connection holds a socket (and blocking reads hold one connection each), so a
/// busy host, or a test process running many stores at once, needs more than the soft limit
/// of 1,024 that many systems start with. Servers commonly lift the soft limit to the hard
/// limit at startup; ``raiseToHardLimit()`` does that.
package enum OpenFileLimit {
    /// The current soft and hard limits (`nil` if they cannot be read).
    package static var current: (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit (capped at 1,048,576). Returns the soft limit
    /// now in force.
    @discardableResult
    package static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let target = min(limit.rlim_max, 1_048_576)
        if limit.rlim_cur < target {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(target) }
        }
        return UInt64(limit.rlim_cur)
    }
}
