import DurableTaskRedisServer
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Child processes (swift-subprocess underneath): exit statuses, output, descriptors, signals and waits.
@Suite("Child processes", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    @Test func exitCodeAndCapturedOutput() async throws {
        let child = try await ChildProcess.start("/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], output: .capture)
        #expect(await child.wait() == .exited(3))
        #expect(!child.isRunning)
        #expect(child.output == "out\nerr\n")
    }

    @Test func onlyTheStandardDescriptorsAreInherited() async throws {
        // An open pipe of the parent must not reach the child.
        let pipe = Pipe()
        defer { try? pipe.fileHandleForWriting.close() }
        let child = try await ChildProcess.start("/bin/ls", arguments: ["/proc/self/fd"], output: .capture)
        #expect(await child.wait() == .exited(0))
        // ls itself opens one descriptor (3) to read the directory.
        #expect(child.output.split(separator: "\n").sorted() == ["0", "1", "2", "3"], "\(child.output)")
    }

    @Test func environmentDirectoryAndProcessGroup() async throws {
        let child = try await ChildProcess.start(
            "/bin/sh", arguments: ["-c", "echo $GREETING; pwd; ps -o pgid= -p $$"], environment: ["GREETING": "hi", "PATH": "/usr/bin:/bin"],
            directory: "/tmp", output: .capture)
        #expect(await child.wait() == .exited(0))
        let lines = child.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.prefix(2) == ["hi", "/tmp"])
        #expect(lines.last == String(child.pid), "the child leads a process group of its own: \(child.output)")
    }

    @Test func stopSendsTheSignalAndReapsOnce() async throws {
        let child = try await ChildProcess.start("/bin/sleep", arguments: ["30"])
        #expect(child.isRunning)
        #expect(await child.stop(signal: SIGTERM, grace: .seconds(5)) == .signaled(SIGTERM))
        #expect(!child.signal(SIGKILL), "a reaped PID is never signalled")
        // A child that ignores the signal is killed after the grace period.
        let stubborn = try await ChildProcess.start("/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; exec sleep 30"], output: .capture)
        while !stubborn.output.contains("ready") { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await stubborn.stop(signal: SIGTERM, grace: .milliseconds(200)) == .signaled(SIGKILL))
    }

    @Test func aCancelledWaitReturnsNilAndTheChildRunsOn() async throws {
        let child = try await ChildProcess.start("/bin/sleep", arguments: ["30"])
        let waiter = Task { await child.waitUnlessCancelled() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == nil)
        #expect(child.isRunning)
        #expect(await child.wait(for: .milliseconds(50)) == nil)
        await child.stop(signal: SIGKILL)
        #expect(child.currentStatus == .signaled(SIGKILL))
    }

    @Test func aTimedWaitEndsAtTheTimeoutOrTheExit() async throws {
        let child = try await ChildProcess.start(
            "/bin/sh", arguments: ["-c", "trap 'exit 4' USR1; echo ready; while :; do sleep 0.05; done"], output: .capture)
        #expect(await child.wait(for: .milliseconds(50)) == nil, "the timeout ends the wait")
        #expect(child.isRunning)
        let deadline = ContinuousClock.now + .seconds(10)
        while !child.output.contains("ready") && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        child.signal(SIGUSR1)
        #expect(await child.wait(for: .seconds(20)) == .exited(4), "the exit ends the wait")
    }

    @Test func aChildThatClosesItsOutputCanStillBeSignalled() async throws {
        let child = try await ChildProcess.start("/bin/sh", arguments: ["-c", "exec >/dev/null 2>&1; exec sleep 30"])
        try await Task.sleep(for: .milliseconds(100))
        #expect(child.isRunning)
        #expect(await child.stop(signal: SIGTERM, grace: .seconds(5)) == .signaled(SIGTERM))
    }

    @Test func aMissingProgramIsATypedError() async {
        await #expect(throws: ChildProcess.SpawnError.self) {
            _ = try await ChildProcess.start("/nonexistent/program", arguments: [])
        }
    }
}
