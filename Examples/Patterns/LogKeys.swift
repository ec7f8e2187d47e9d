/// Logger metadata keys of the examples, in one place.
enum LogKeys {
    /// The generation of an eternal orchestration (`PeriodicCleanup`).
    static let generation = "generation"
}
