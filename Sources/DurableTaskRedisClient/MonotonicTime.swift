#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The current `CLOCK_MONOTONIC` time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to 0...100 years so that deadlines
    /// computed from it cannot overflow.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let limit: Int64 = 100 * 365 * 24 * 3600
        if seconds >= limit { return UInt64(limit) * 1_000_000_000 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

extension timeval {
    /// A `timeval` holding `duration` (microsecond precision, clamped at zero).
    init(duration: Duration) {
        let nanoseconds = duration.nanoseconds
        self.init(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int((nanoseconds % 1_000_000_000) / 1000))
    }
}
