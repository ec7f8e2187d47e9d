/// The `ARGV` of a function call, appended in the order of its contract.
///
/// "No value" has one spelling, ``none`` (a single NUL), for every argument of every function: an
/// empty string stays a value (an empty output, for example).
struct FunctionArguments: Sendable {
    /// How the functions' contracts spell a missing argument.
    static let none = "\0"

    /// The arguments so far.
    private(set) var values: [String] = []

    init() {}

    /// Appends a text argument.
    mutating func add(_ value: String) { values.append(value) }
    /// Appends an integer.
    mutating func add(_ value: Int) { values.append(String(value)) }
    /// Appends an integer.
    mutating func add(_ value: Int64) { values.append(String(value)) }
    /// Appends `1` or `0`.
    mutating func add(_ flag: Bool) { values.append(flag ? "1" : "0") }
    /// Appends a value, or ``none``.
    mutating func add(optional value: String?) { values.append(value ?? Self.none) }
    /// Appends ``none`` until there are `count` arguments (the optional arguments a contract puts
    /// before those that follow).
    mutating func skip(to count: Int) {
        while values.count < count { values.append(Self.none) }
    }
}
