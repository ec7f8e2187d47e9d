import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret, such as the Redis password, from a file (a Docker or Kubernetes secret, say),
/// so that it need not appear on a command line or in the environment.
package enum SecretFile {
    /// The largest file accepted, in bytes.
    package static let maxSize = 4096

    /// The file's text without its final line break (`echo secret > file` writes one).
    ///
    /// - Parameters:
    ///   - path: the file; a symbolic link is followed.
    ///   - option: the flag that named the file, for the error message.
    /// - Throws: ``HostError`` with `invalidConfiguration` when the file is missing, unreadable,
    ///   not a regular file, larger than ``maxSize``, not UTF-8, empty, or more than one line.
    ///   The message names the file and the flag, never the content.
    package static func read(_ path: String, option: String) throws(HostError) -> String {
        func fail(_ reason: String) -> HostError {
            HostError(.invalidConfiguration, "cannot use \(path) as the secret for \(option): \(reason)")
        }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: resolved) else { throw fail("no such file") }
        let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
        // Not a FIFO or a device: opening or reading one could block or never end.
        guard type == .typeRegular else { throw fail("it is not a regular file") }
        let fd = open(resolved, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count <= maxSize {
            let n = chunk.withUnsafeMutableBytes { readBytes(fd, $0) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw fail(String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= maxSize else { throw fail("it is larger than \(maxSize) bytes") }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("it is not UTF-8 text") }
        guard !text.isEmpty else { throw fail("it is empty") }
        guard !text.contains(where: \.isNewline) else { throw fail("it holds more than one line") }
        return text
    }
}

/// `read(2)`, outside ``SecretFile`` whose `read` would shadow it.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(fd, buffer.baseAddress, buffer.count)
}
