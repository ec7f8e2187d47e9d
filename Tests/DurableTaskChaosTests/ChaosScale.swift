import Foundation

/// How much chaos: the short form by default (CI), the long form with `DURABLE_CHAOS=long` (`make chaos`).
enum ChaosScale {
    static let isLong = ProcessInfo.processInfo.environment["DURABLE_CHAOS"] == "long"

    /// `short` in CI, `long` under `DURABLE_CHAOS=long`.
    static func pick<T>(short: T, long: T) -> T { isLong ? long : short }

    /// How long after the chaos every accepted instance has to finish.
    static var settleTimeout: Duration { pick(short: .seconds(60), long: .seconds(180)) }

    /// A random pause between `min` and `max` milliseconds.
    static func randomPause(_ min: Int, _ max: Int) -> Duration { .milliseconds(Int.random(in: min...max)) }
}
