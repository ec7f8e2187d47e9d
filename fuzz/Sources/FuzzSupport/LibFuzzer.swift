public import CLibFuzzer
import Glibc

/// Runs libFuzzer with this process's arguments (`-max_total_time=30 corpus/…`), calling
/// `check` with each input, and exits with libFuzzer's status. A trap or an address-sanitizer
/// report in `check` is a finding: libFuzzer saves the input as `crash-<sha1>`.
public func runLibFuzzer(_ check: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, check))
}

/// The bytes of a libFuzzer input.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Stops the run with `message` when a property does not hold: libFuzzer reports it as a crash
/// and keeps the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
