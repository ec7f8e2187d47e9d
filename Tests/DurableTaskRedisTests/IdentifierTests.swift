import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTask
import Testing

/// Generated identifiers stay random when the process has no file descriptor left
/// (Foundation's `UUID()` then returns the same all-zero UUID every time).
@Suite("Identifiers without descriptors", .timeLimit(.minutes(1)))
struct IdentifierTests {
    @Test func instanceIdsAndLeaseTokensStayUniqueWhenDescriptorsRunOut() async throws {
        let child = try await WorkerProcess.start(arguments: ["--ids-without-descriptors"])
        let (status, output) = await child.finish()
        #expect(status == .exited(0), "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count == 6, "\(output)")
        let ids = Array(lines[0..<3])
        let tokens = Array(lines[3..<6])
        #expect(Set(ids).count == 3, "instance IDs collide: \(ids)")
        #expect(Set(tokens).count == 3, "lease tokens collide: \(tokens)")
        #expect(!ids.contains("00000000000040008000000000000000"))
        for id in ids {
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit) && id == id.lowercased(), "\(id)")
        }
    }

    @Test func uuidsHaveTheVersion4Layout() {
        let all = (0..<1000).map { _ in RandomIdentifier.uuidString() }
        #expect(Set(all).count == all.count)
        for text in all.prefix(50) {
            let characters = Array(text)
            #expect(characters.count == 36)
            #expect(characters[14] == "4", "version nibble of \(text)")
            #expect("89AB".contains(characters[19]), "variant nibble of \(text)")
        }
    }
}
