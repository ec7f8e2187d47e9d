import Testing

/// The chaos suite (docs/CHAOS.md): each scenario runs a mixed load on three worker processes
/// sharing a task hub on a private redis-server, disrupts it, then verifies the hub with
/// ``ChaosVerifier``. Short by default; `DURABLE_CHAOS=long` (`make chaos`) runs the long form.
/// Serialized: the scenarios are heavy, and each must have the machine to itself as far as it can.
@Suite("Chaos", .serialized, .timeLimit(.minutes(10)))
struct ChaosTests {
    /// The assertions every scenario makes on its figures.
    static func expectClean(_ figures: ChaosFigures) {
        #expect(figures.instances > 0)
        #expect(figures.lost == 0, "\(figures.line)")
        #expect(figures.duplicated == 0, "\(figures.line)")
        #expect(figures.stuck == 0, "\(figures.line)")
        #expect(figures.wrong == 0, "\(figures.line)")
        #expect(figures.problems.isEmpty, "\(figures.problems.prefix(10).joined(separator: "; "))")
        #expect(figures.applied > 0, "the fan-outs applied activity results")
    }
}
