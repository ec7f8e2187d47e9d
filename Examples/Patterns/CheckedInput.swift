import DurableTask

/// Range checks and arithmetic on example inputs that throw ``InvalidInput`` where plain Swift
/// would trap (`Int` overflow, `Duration.seconds` of a huge `Double`, `1...n` with n < 1).
enum CheckedInput {
    /// `a + b`, or ``InvalidInput`` naming `what` if it overflows `Int`.
    static func sum(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(InvalidInput) -> Int {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw InvalidInput("\(what()): \(a) + \(b) overflows Int") }
        return result
    }

    /// `a × b`, or ``InvalidInput`` naming `what` if it overflows `Int`.
    static func product(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(InvalidInput) -> Int {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw InvalidInput("\(what()): \(a) × \(b) overflows Int") }
        return result
    }

    /// `value` if it lies in `range`, else ``InvalidInput`` naming the field.
    @discardableResult
    static func integer(_ value: Int, named name: String, in range: ClosedRange<Int>) throws(InvalidInput) -> Int {
        guard !range.contains(value) else { return value }
        if range.upperBound == .max { throw InvalidInput("\(name) must be at least \(range.lowerBound), got \(value)") }
        throw InvalidInput("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }

    /// `value` if it is a finite number of seconds in `minimum ... DurableTime.maxDelaySeconds`
    /// (10,000 years), so that `Duration.seconds` of it and of anything smaller cannot trap.
    static func seconds(_ value: Double, named name: String, atLeast minimum: Double = 0) throws(InvalidInput) -> Double {
        guard value.isFinite, value >= minimum, value <= DurableTime.maxDelaySeconds else {
            throw InvalidInput(
                "\(name) must be between \(minimum) and \(DurableTime.maxDelaySeconds) seconds (10,000 years), got \(value)")
        }
        return value
    }
}
