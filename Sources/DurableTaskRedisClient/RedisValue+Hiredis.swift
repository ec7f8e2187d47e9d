internal import CHiredis

extension RedisValue {
    /// Converts a hiredis reply tree into a `RedisValue`. The caller still owns
    /// `reply` and must free it with `freeReplyObject` afterwards.
    init(hiredisReply reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            if r.len == 0 || r.str == nil {
                self = .bulkString([])
            } else {
                self = .bulkString(Array(UnsafeRawBufferPointer(start: r.str, count: r.len)))
            }
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(r.str, r.len))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(r.str, r.len))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(r.elements)
            if let element = r.element {
                for index in 0..<r.elements {
                    if let child = element[index] {
                        elements.append(RedisValue(hiredisReply: child))
                    } else {
                        elements.append(.null)
                    }
                }
            }
            self = .array(elements)
        default:
            self = .error("ERR unsupported hiredis reply type \(r.type)")
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
