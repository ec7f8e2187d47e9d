/// One command's arguments packed into a single contiguous buffer plus the length
/// of each argument, ready for `redisAppendCommandArgv`. Built on the caller's task
/// so the I/O thread only copies bytes into hiredis.
struct EncodedCommand: Sendable {
    var bytes: [UInt8]
    var lengths: [Int]

    init(_ arguments: [String]) {
        var total = 0
        for argument in arguments { total += argument.utf8.count }
        bytes = []
        bytes.reserveCapacity(total)
        lengths = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            let before = bytes.count
            bytes.append(contentsOf: argument.utf8)
            lengths.append(bytes.count - before)
        }
    }

    init(_ arguments: [[UInt8]]) {
        var total = 0
        for argument in arguments { total += argument.count }
        bytes = []
        bytes.reserveCapacity(total)
        lengths = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            bytes.append(contentsOf: argument)
            lengths.append(argument.count)
        }
    }
}
