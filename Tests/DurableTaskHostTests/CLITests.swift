import Foundation
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The management CLI (`durable instances|entities|schedules`) as a user runs it: a real
/// `durable serve` (embedded redis-server in a temp dir) and the real `durable` binary, one child
/// process per command.
@Suite("durable management CLI", .serialized, .timeLimit(.minutes(5)))
struct CLITests {
    /// What one CLI run printed and how it exited.
    struct Run: CustomStringConvertible {
        var code: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(code)\nstdout: \(stdout)\nstderr: \(stderr)" }
        /// The stderr lines.
        var errorLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// Runs `durable <arguments>` with the parent's environment minus every `DURABLE_*`
    /// variable, plus `environment`; killed if it runs longer than `timeout`.
    static func durable(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Run {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DURABLE_") }
        env.merge(environment) { $1 }
        let configuration = Subprocess.Configuration(
            executable: .path(FilePath(HostProcess.binary.path)), arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: env.map { (Environment.Key(stringLiteral: $0.key), $0.value) })))
        return try await withThrowingTaskGroup(of: Run?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(configuration, output: .string(limit: 1 << 22), error: .string(limit: 1 << 22))
                let code: Int32 = switch result.terminationStatus {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
                return Run(code: code, stdout: result.standardOutput, stderr: result.standardError)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()  // a run still going is torn down (killed) by Subprocess on cancellation
            guard let run = first else { throw HostProcessError(message: "durable \(arguments) ran over \(timeout)") }
            return run
        }
    }

    /// Starts `durable serve` on free ports with its own redis-server in a temp dir, runs `body`
    /// with the API's origin and `--url` argument, then stops the host with SIGTERM.
    static func withHost(_ extra: [String] = [], _ body: (_ url: [String]) async throws -> Void) async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try await HostProcess.start(
            ["serve", "--port", "0", "--grpc-port", "0", "--data-dir", directory] + extra, in: directory)
        defer { host.kill9() }
        do {
            let port = try await host.waitForPort()
            try await body(["--url", "http://127.0.0.1:\(port)"])
        } catch {
            // SIGTERM first, so the host stops its embedded redis-server (a SIGKILL would orphan it).
            host.signal(SIGTERM)
            _ = try? await host.waitForExit()
            throw error
        }
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0, "durable serve should stop cleanly: \(host.printed)")
    }

    /// Repeats `run` (bounded) until `done` holds for its result; returns the last run.
    static func eventually(timeout: Duration = .seconds(30), _ run: () async throws -> Run, until done: (Run) -> Bool) async throws -> Run {
        let deadline = ContinuousClock.now + timeout
        var last = try await run()
        while !done(last), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            last = try await run()
        }
        return last
    }

    /// Checks a failed run: the exit code, and exactly one stderr line `durable: error: …`.
    static func expectFailure(_ run: Run, code: Int32, containing text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.code == code, "\(run)", sourceLocation: sourceLocation)
        #expect(run.errorLines.count == 1, "one line on stderr: \(run)", sourceLocation: sourceLocation)
        #expect(run.stderr.hasPrefix("durable: error: ") || code == 2, "\(run)", sourceLocation: sourceLocation)
        if let text { #expect(run.stderr.contains(text), "\(run)", sourceLocation: sourceLocation) }
    }

    /// Start, watch, list, history, raise, suspend/resume, terminate, restart and purge of instances.
    @Test func instances() async throws {
        try await Self.withHost { url in
            let started = try await Self.durable(["instances", "start", "FunctionChaining", "--id", "chain-1"] + url)
            #expect(started.code == 0 && started.stdout.contains("chain-1"), "\(started)")

            let watched = try await Self.durable(["instances", "show", "chain-1", "--watch", "--timeout", "60s"] + url)
            #expect(watched.code == 0, "\(watched)")
            #expect(watched.stdout.contains("Completed") && watched.stdout.contains("Hello Tokyo!"), "\(watched)")

            let listed = try await Self.durable(["instances", "list", "--json"] + url)
            #expect(listed.code == 0, "\(listed)")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed)")
            #expect(items.contains { $0["instanceId"] as? String == "chain-1" && $0["runtimeStatus"] as? String == "Completed" })

            let table = try await Self.durable(["instances", "list", "--status", "completed", "--prefix", "chain-", "--top", "1"] + url)
            #expect(table.code == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["ID", "NAME", "STATUS", "CREATED", "UPDATED"], "\(table)")
            #expect(lines.dropFirst().contains { $0.hasPrefix("chain-1 ") && $0.contains("FunctionChaining") && $0.contains("Completed") }, "\(table)")
            let none = try await Self.durable(["instances", "list", "--status", "Failed", "--json"] + url)
            #expect(none.code == 0 && none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(none)")

            let history = try await Self.durable(["instances", "history", "chain-1"] + url)
            #expect(history.code == 0, "\(history)")
            #expect(history.stdout.components(separatedBy: "TaskCompleted").count - 1 == 3, "\(history)")
            #expect(history.stdout.contains("ExecutionStarted") && history.stdout.contains("SayHello"), "\(history)")

            // A raised Approval completes a BudgetApproval.
            _ = try await Self.durable(["instances", "start", "BudgetApproval", "--id", "budget-ok", "--input", #"{"timeoutSeconds":600}"#] + url)
            let raised = try await Self.durable(["instances", "raise", "budget-ok", "Approval", "--data", "true"] + url)
            #expect(raised.code == 0, "\(raised)")
            let approved = try await Self.durable(["instances", "show", "budget-ok", "--watch", "--timeout", "60s"] + url)
            #expect(approved.code == 0 && approved.stdout.contains(#""Approved""#), "\(approved)")

            // Another event leaves it waiting; suspend, resume, then terminate.
            _ = try await Self.durable(["instances", "start", "BudgetApproval", "--id", "budget-1", "--input", #"{"timeoutSeconds":600}"#] + url)
            let running = try await Self.eventually({ try await Self.durable(["instances", "show", "budget-1"] + url) }, until: {
                $0.stdout.contains("Waiting for approval")
            })
            #expect(running.stdout.contains("Running"), "\(running)")
            let other = try await Self.durable(["instances", "raise", "budget-1", "NotApproval", "--data", #"{"x":1}"#] + url)
            #expect(other.code == 0, "\(other)")
            #expect(try await Self.durable(["instances", "suspend", "budget-1", "--reason", "audit"] + url).code == 0)
            let suspended = try await Self.eventually({ try await Self.durable(["instances", "show", "budget-1"] + url) }, until: {
                $0.stdout.contains("Suspended")
            })
            #expect(suspended.stdout.contains("Suspended"), "\(suspended)")
            #expect(try await Self.durable(["instances", "resume", "budget-1"] + url).code == 0)
            let terminated = try await Self.durable(["instances", "terminate", "budget-1", "--reason", "no budget"] + url)
            #expect(terminated.code == 0 && terminated.stdout.contains("budget-1"), "\(terminated)")
            let ended = try await Self.durable(["instances", "show", "budget-1", "--watch", "--timeout", "60s"] + url)
            Self.expectFailure(ended, code: 5, containing: "Terminated")
            #expect(ended.stdout.contains("Terminated") && ended.stdout.contains("no budget"), "\(ended)")
            let shown = try await Self.durable(["instances", "show", "budget-1"] + url)
            #expect(shown.code == 0 && shown.stdout.contains("Status:") && shown.stdout.contains("Terminated"), "\(shown)")
            // Raising to a finished instance is refused (410): exit 1 with the API's message.
            Self.expectFailure(try await Self.durable(["instances", "raise", "budget-1", "Approval", "--data", "true"] + url), code: 1, containing: "gone")

            let restarted = try await Self.durable(["instances", "restart", "budget-1", "--json"] + url)
            #expect(restarted.code == 0, "\(restarted)")
            let newID = try #require((try? JSONSerialization.jsonObject(with: Data(restarted.stdout.utf8)) as? [String: Any])?["id"] as? String, "\(restarted)")
            #expect(newID != "budget-1")
            #expect(try await Self.durable(["instances", "terminate", newID] + url).code == 0)

            let purged = try await Self.durable(["instances", "purge", "chain-1"] + url)
            #expect(purged.code == 0, "\(purged)")
            Self.expectFailure(try await Self.durable(["instances", "show", "chain-1"] + url), code: 4, containing: "not_found")
            Self.expectFailure(try await Self.durable(["instances", "purge", "chain-1"] + url), code: 4)
            // Purging a live instance is refused (409).
            _ = try await Self.durable(["instances", "start", "BudgetApproval", "--id", "budget-live"] + url)
            Self.expectFailure(try await Self.durable(["instances", "purge", "budget-live"] + url), code: 1, containing: "invalid_state")
            // Starting a live ID again is a conflict (409).
            Self.expectFailure(try await Self.durable(["instances", "start", "BudgetApproval", "--id", "budget-live"] + url), code: 1, containing: "conflict")
            // --watch gives up after --timeout with exit 6.
            let timedOut = try await Self.durable(["instances", "show", "budget-live", "--watch", "--timeout", "1s"] + url)
            Self.expectFailure(timedOut, code: 6, containing: "still")

            // A Failed instance: --watch exits 5 and shows the failure; rewind is accepted (the
            // orchestrator's own check fails the same way again).
            _ = try await Self.durable(["instances", "start", "BudgetApproval", "--id", "budget-bad", "--input", #"{"timeoutSeconds":-1}"#] + url)
            let failed = try await Self.durable(["instances", "show", "budget-bad", "--watch", "--timeout", "60s"] + url)
            Self.expectFailure(failed, code: 5, containing: "Failed")
            #expect(failed.stdout.contains("Failure:") && failed.stdout.contains("timeoutSeconds"), "\(failed)")
            let rewound = try await Self.durable(["instances", "rewind", "budget-bad", "--reason", "retry"] + url)
            #expect(rewound.code == 0 && rewound.stdout.contains("Rewind requested"), "\(rewound)")

            // Paging: one instance a page prints the next token; --all follows every page.
            let page = try await Self.durable(["instances", "list", "--top", "1"] + url)
            #expect(page.code == 0 && page.stdout.contains("--continuation-token"), "\(page)")
            let all = try await Self.durable(["instances", "list", "--top", "1", "--all", "--json", "--prefix", "budget-"] + url)
            let ids = (try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["instanceId"] as? String }
            #expect(Set(ids ?? []).isSuperset(of: ["budget-ok", "budget-1", "budget-live"]), "\(all)")
            #expect(all.stderr.isEmpty, "\(all)")
        }
    }

    /// Entities: signal, show, list. Schedules: create from a spec and a definition, list, show,
    /// pause, resume, delete.
    @Test func entitiesAndSchedules() async throws {
        try await Self.withHost { url in
            let signalled = try await Self.durable(["entities", "signal", "Counter", "c1", "add", "--input", "5"] + url)
            #expect(signalled.code == 0, "\(signalled)")
            let shown = try await Self.eventually({ try await Self.durable(["entities", "show", "Counter", "c1", "--json"] + url) }, until: {
                $0.code == 0
            })
            #expect(shown.code == 0 && shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5", "\(shown)")
            let block = try await Self.durable(["entities", "show", "Counter", "c1"] + url)
            #expect(block.code == 0 && block.stdout.contains("State:") && block.stdout.contains("5"), "\(block)")
            let listed = try await Self.durable(["entities", "list", "--name", "Counter", "--state"] + url)
            #expect(listed.code == 0 && listed.stdout.contains("STATE") && listed.stdout.contains("counter") && listed.stdout.contains("c1"), "\(listed)")
            Self.expectFailure(try await Self.durable(["entities", "show", "Counter", "nobody"] + url), code: 4)
            Self.expectFailure(try await Self.durable(["entities", "signal", "NoSuchEntity", "k", "op"] + url), code: 1, containing: "unknown_function")

            let created = try await Self.durable(
                ["schedules", "create", "--spec", #"id=cli-every,every=1h,orchestration=PeriodicCleanup,input={"intervalMs":10}"#] + url)
            #expect(created.code == 0 && created.stdout.contains("cli-every"), "\(created)")
            let definition = #"{"id":"cli-cron","cron":"0 0 1 1 *","orchestration":"PeriodicCleanup"}"#
            let fromJSON = try await Self.durable(["schedules", "create", "--definition", definition, "--paused"] + url)
            #expect(fromJSON.code == 0 && fromJSON.stdout.contains("Paused"), "\(fromJSON)")
            Self.expectFailure(try await Self.durable(["schedules", "create", "--definition", definition] + url), code: 1, containing: "conflict")

            let table = try await Self.durable(["schedules", "list"] + url)
            #expect(table.code == 0 && table.stdout.hasPrefix("ID "), "\(table)")
            #expect(table.stdout.contains("cli-every") && table.stdout.contains("every 1h") && table.stdout.contains("cron 0 0 1 1 *"), "\(table)")
            let json = try await Self.durable(["schedules", "list", "--json", "--prefix", "cli-e"] + url)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
            #expect(items.map { $0["id"] as? String } == ["cli-every"])
            let input = ((items.first?["definition"] as? [String: Any])?["input"] as? [String: Any])?["intervalMs"] as? Int
            #expect(input == 10, "the spec's input arrives as a JSON value: \(json)")

            // Update replaces the definition; an unknown ID is not found.
            let updated = try await Self.durable(
                ["schedules", "update", "--spec", #"id=cli-every,every=2h,orchestration=PeriodicCleanup,input={"intervalMs":20}"#] + url)
            #expect(updated.code == 0 && updated.stdout.contains("Updated schedule cli-every"), "\(updated)")
            let after = try await Self.durable(["schedules", "show", "cli-every", "--json"] + url)
            let afterObject = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any], "\(after)")
            #expect((afterObject["definition"] as? [String: Any])?["interval"] as? String == "2h", "\(after)")
            Self.expectFailure(
                try await Self.durable(["schedules", "update", "--spec", "id=nobody,every=1h,orchestration=PeriodicCleanup"] + url), code: 4)
            let usage = try await Self.durable(["schedules", "update"] + url)
            #expect(usage.code == 2 && usage.stdout.isEmpty && usage.stderr.contains("--definition"), "\(usage)")

            #expect(try await Self.durable(["schedules", "pause", "cli-every", "--reason", "maintenance"] + url).code == 0)
            let paused = try await Self.durable(["schedules", "show", "cli-every"] + url)
            #expect(paused.code == 0 && paused.stdout.contains("Paused") && paused.stdout.contains("maintenance"), "\(paused)")
            #expect(try await Self.durable(["schedules", "resume", "cli-every"] + url).code == 0)
            let deleted = try await Self.durable(["schedules", "delete", "cli-every"] + url)
            #expect(deleted.code == 0, "\(deleted)")
            Self.expectFailure(try await Self.durable(["schedules", "show", "cli-every"] + url), code: 4)
            Self.expectFailure(try await Self.durable(["schedules", "pause", "cli-every"] + url), code: 4)
        }
    }

    /// With `--system-key`, a wrong key exits 1 with the API's message; the right one (flag or
    /// `DURABLE_KEY`) works, as does `DURABLE_URL` for the origin.
    @Test func systemKey() async throws {
        try await Self.withHost(["--system-key", "s3cret-key"]) { url in
            let wrong = try await Self.durable(["instances", "list", "--key", "wrong"] + url)
            Self.expectFailure(wrong, code: 1, containing: "a valid key is required")
            Self.expectFailure(try await Self.durable(["schedules", "list"] + url), code: 1, containing: "unauthorized")
            let right = try await Self.durable(["instances", "list", "--key", "s3cret-key"] + url)
            #expect(right.code == 0 && right.stdout.hasPrefix("ID "), "\(right)")
            let fromEnvironment = try await Self.durable(
                ["entities", "list", "--json"], environment: ["DURABLE_URL": url[1], "DURABLE_KEY": "s3cret-key"])
            #expect(fromEnvironment.code == 0 && fromEnvironment.stdout.hasPrefix("["), "\(fromEnvironment)")
        }
    }

    /// No host at the URL: exit 3 with one line. Usage errors: exit 2, before any request.
    @Test func unreachableHostAndUsageErrors() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused.
        let url = ["--url", "http://127.0.0.1:1"]
        let unreachable = try await Self.durable(["instances", "list"] + url, timeout: .seconds(40))
        Self.expectFailure(unreachable, code: 3, containing: "cannot reach the host at http://127.0.0.1:1")
        Self.expectFailure(try await Self.durable(["schedules", "show", "x"], environment: ["DURABLE_URL": "http://127.0.0.1:1"]), code: 3)

        let usage: [[String]] = [
            ["instances", "show"],
            ["instances", "list", "--status", "Bogus"],
            ["instances", "list", "--top", "0"],
            ["instances", "list", "--created-from", "yesterday"],
            ["instances", "start", "FunctionChaining", "--input", "{not json"],
            ["instances", "show", "x", "--watch", "--timeout", "soon"],
            ["instances", "frobnicate"],
            ["entities", "signal", "Counter", "k"],
            ["schedules", "create"],
            ["schedules", "create", "--spec", "id=x,bogus=1"],
            ["instances", "list", "--url", "ftp://example.com"],
        ]
        for arguments in usage {
            let run = try await Self.durable(arguments + (arguments.contains("--url") ? [] : url))
            #expect(run.code == 2, "\(arguments): \(run)")
            #expect(run.stdout.isEmpty, "\(arguments): \(run)")
        }
    }
}
