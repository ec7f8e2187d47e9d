/// A lease a function may take for the caller: its token, length and most messages.
struct LeaseRequest: Sendable {
    var token: String
    var milliseconds: Int64
    var maxMessages: Int
}
