/// What a scenario measured: the one-line summary each scenario prints.
struct ChaosFigures: Sendable {
    var scenario: String
    /// Instances whose start was acknowledged.
    var instances = 0
    /// Disruptions: kills, stops, cuts or pauses.
    var disruptions = 0
    /// Acknowledged instances not found, history events missing, entity operations not applied.
    var lost = 0
    /// Duplicated history events, activity results applied twice, entity operations applied twice.
    var duplicated = 0
    /// Instances not finished within the settle timeout.
    var stuck = 0
    /// Instances that finished with a wrong status or output.
    var wrong = 0
    /// Activity runs whose result was not applied (at-least-once re-executions, refused late commits).
    var reruns = 0
    /// Activity results applied (TaskCompleted events of the activities that log their runs).
    var applied = 0
    /// What went wrong, one line each (the first few are printed).
    var problems: [String] = []

    var isClean: Bool { lost == 0 && duplicated == 0 && stuck == 0 && wrong == 0 && problems.isEmpty }

    var line: String {
        "chaos \(scenario): instances=\(instances) disruptions=\(disruptions) lost=\(lost) duplicated=\(duplicated) "
            + "stuck=\(stuck) wrong=\(wrong) activityResults=\(applied) reruns=\(reruns)"
    }

    mutating func problem(_ text: String) { problems.append(text) }
}
