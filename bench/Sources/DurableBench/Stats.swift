/// Collects samples (in nanoseconds) and reports percentiles.
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ duration: Duration) {
        let (s, atto) = duration.components
        values.append(Double(s) * 1e9 + Double(atto) / 1e9)
    }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    var median: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var count: Int { values.count }
}

/// Prints a Markdown table row.
func row(_ cells: [String]) {
    print("| " + cells.joined(separator: " | ") + " |")
}

func micros(_ ns: Double) -> String {
    ns >= 100_000 ? String(format: "%.0f", ns / 1000) : String(format: "%.2f", ns / 1000)
}
