package import DurableTask
import Foundation

/// The orchestrations and activities the conformance suite runs, registered by name.
package enum TestOrchestrations {
    /// A registry with every test orchestration and activity.
    package static func registry(probe: TestProbe) -> TaskRegistry {
        var r = TaskRegistry()
        // Activities
        r.addActivity(named: "Echo") { _, input in input }
        r.addActivity(named: "Double") { _, input in
            String(try PayloadCoding.decode(Int.self, from: input) * 2)
        }
        r.addActivity(named: "Fail") { _, input in
            throw ApplicationError(type: "TestFailure", message: try PayloadCoding.decode(String.self, from: input))
        }
        r.addActivity(named: "FailNonRetriable") { _, _ in
            throw ApplicationError(type: "Fatal", message: "do not retry", isNonRetriable: true)
        }
        r.addActivity(named: "Flaky") { context, input in
            // Fails until the probe has seen `input` attempts for this instance.
            let needed = try PayloadCoding.decode(Int.self, from: input)
            let n = probe.increment("flaky:\(context.instanceId)")
            if n < needed { throw ApplicationError(type: "Flaky", message: "attempt \(n) fails") }
            return try PayloadCoding.encode("succeeded on attempt \(context.attempt) after \(n) runs")
        }
        r.addActivity(named: "Count") { context, input in
            probe.increment("count:\(try PayloadCoding.decode(String.self, from: input))")
            return nil
        }
        // Orchestrations
        r.addOrchestrator(named: "Hello") { ctx, input in
            let name = try PayloadCoding.decode(String.self, from: input)
            let greeting: String = try await ctx.callActivity(named: "Echo", input: "Hello \(name)!")
            return try PayloadCoding.encode(greeting)
        }
        r.addOrchestrator(named: "Chain") { ctx, _ in
            var out: [String] = []
            for city in ["Tokyo", "Seattle", "London"] {
                out.append(try await ctx.callActivity(named: "Echo", input: "Hello \(city)!"))
            }
            return try PayloadCoding.encode(out)
        }
        r.addOrchestrator(named: "FanOut") { ctx, input in
            let n = try PayloadCoding.decode(Int.self, from: input)
            let futures = try (1...max(1, n)).map { try ctx.scheduleActivity(named: "Double", input: $0, returning: Int.self) }
            return try PayloadCoding.encode(try await ctx.whenAll(futures).reduce(0, +))
        }
        r.addOrchestrator(named: "AsyncLetAndGroup") { ctx, _ in
            async let a: Int = ctx.callActivity(named: "Double", input: 1)
            async let b: Int = ctx.callActivity(named: "Double", input: 2)
            let group = try await withThrowingTaskGroup(of: Int.self) { g in
                for i in 3...6 { g.addTask { try await ctx.callActivity(named: "Double", input: i) } }
                var arrival: [Int] = []
                for try await v in g { arrival.append(v) }
                return arrival
            }
            let id = ctx.newGUID().uuidString
            // An array, not a dictionary: dictionary order varies between processes.
            return try PayloadCoding.encode([try await a, try await b] + group.sorted() + [id.count])
        }
        r.addOrchestrator(named: "CatchFailure") { ctx, _ in
            do {
                let _: String = try await ctx.callActivity(named: "Fail", input: "boom")
                return try PayloadCoding.encode("no error")
            } catch let error as TaskFailedError {
                return try PayloadCoding.encode("\(error.taskName)|\(error.cause.errorType)|\(error.cause.errorMessage)")
            }
        }
        r.addOrchestrator(named: "Uncaught") { ctx, _ in
            let _: String = try await ctx.callActivity(named: "Fail", input: "uncaught boom")
            return nil
        }
        // Echo, then Flaky (fails on its first run per instance) without a retry policy: fails once; a rewind completes it.
        r.addOrchestrator(named: "FlakyChain") { ctx, _ in
            let first: String = try await ctx.callActivity(named: "Echo", input: "first")
            let second: String = try await ctx.callActivity(named: "Flaky", input: 2)
            return try PayloadCoding.encode([first, second])
        }
        // Runs FlakyChain as a child (uncaught): fails with it; a rewind runs the child again.
        r.addOrchestrator(named: "FlakyParent") { ctx, _ in
            let out: [String] = try await ctx.scheduleSubOrchestrator(named: "FlakyChain", returning: [String].self).value
            return try PayloadCoding.encode(out)
        }
        // Its own code fails, every time.
        r.addOrchestrator(named: "CodeFails") { ctx, _ in
            let _: String = try await ctx.callActivity(named: "Echo", input: "before")
            throw ApplicationError(type: "CodeFailure", message: "the orchestrator's own code fails")
        }
        r.addOrchestrator(named: "Retry") { ctx, input in
            let failures = try PayloadCoding.decode(Int.self, from: input)
            let policy = RetryPolicy(maxAttempts: 3, firstRetryInterval: .milliseconds(20), backoffCoefficient: 2)
            let out: String = try await ctx.callActivity(named: "Flaky", input: failures, options: TaskOptions(retry: policy))
            return try PayloadCoding.encode(out)
        }
        r.addOrchestrator(named: "RetryNonRetriable") { ctx, _ in
            let policy = RetryPolicy(maxAttempts: 5, firstRetryInterval: .milliseconds(10))
            let _: String = try await ctx.callActivity(named: "FailNonRetriable", options: TaskOptions(retry: policy))
            return nil
        }
        r.addOrchestrator(named: "Timer") { ctx, input in
            let ms = try PayloadCoding.decode(Int.self, from: input)
            let start = ctx.currentUtcDateTime
            try await ctx.createTimer(for: .milliseconds(ms))
            return try PayloadCoding.encode(Int(ctx.currentUtcDateTime.timeIntervalSince(start) * 1000))
        }
        r.addOrchestrator(named: "FarTimer") { ctx, input in
            // A timer at any representable time, however far: seconds since 1970 from the input.
            let seconds = try PayloadCoding.decode(Double.self, from: input)
            try await ctx.createTimer(until: Date(timeIntervalSince1970: seconds))
            return try PayloadCoding.encode("fired")
        }
        r.addOrchestrator(named: "WaitEvent") { ctx, input in
            let count = (try? PayloadCoding.decode(Int.self, from: input)) ?? 1
            try ctx.setCustomStatus("waiting")
            var got: [String] = []
            for _ in 0..<count { got.append(try await ctx.waitForExternalEvent("Approval", as: String.self)) }
            try ctx.setCustomStatus("done")
            return try PayloadCoding.encode(got)
        }
        r.addOrchestrator(named: "TimerThenEvents") { ctx, input in
            // Events raised during the timer are buffered and read afterwards, FIFO.
            let count = try PayloadCoding.decode(Int.self, from: input)
            try await ctx.createTimer(for: .milliseconds(300))
            var got: [Int] = []
            for _ in 0..<count { got.append(try await ctx.waitForExternalEvent("item", as: Int.self)) }
            return try PayloadCoding.encode(got)
        }
        r.addOrchestrator(named: "EventTimeout") { ctx, input in
            let ms = try PayloadCoding.decode(Int.self, from: input)
            do {
                let v = try await ctx.waitForExternalEvent("never", as: String.self, timeout: .milliseconds(ms))
                return try PayloadCoding.encode(v)
            } catch let e as ExternalEventTimeoutError {
                return try PayloadCoding.encode("timeout:\(e.eventName)")
            }
        }
        r.addOrchestrator(named: "SendTo") { ctx, input in
            let target = try PayloadCoding.decode(String.self, from: input)
            try ctx.sendEvent(to: target, name: "Approval", payload: "from \(ctx.instanceId)")
            return nil
        }
        r.addOrchestrator(named: "Parent") { ctx, input in
            let child = try PayloadCoding.decode(String.self, from: input)
            do {
                let out: [String] = try await ctx.scheduleSubOrchestrator(named: child, returning: [String].self).value
                return try PayloadCoding.encode(out.joined(separator: ","))
            } catch let e as TaskFailedError {
                return try PayloadCoding.encode("child failed: \(e.isSubOrchestration) \(e.cause.errorType)")
            }
        }
        r.addOrchestrator(named: "ParentOfWaiter") { ctx, input in
            let childId = try PayloadCoding.decode(String.self, from: input)
            let _: [String] = try await ctx.scheduleSubOrchestrator(named: "WaitEvent", instanceId: childId, returning: [String].self).value
            return nil
        }
        r.addOrchestrator(named: "Counter") { ctx, input in
            // Continue-as-new until the counter reaches the target.
            struct State: Codable { var value: Int; var target: Int }
            var state = try PayloadCoding.decode(State.self, from: input)
            _ = try await ctx.callActivity(named: "Echo", input: state.value, returning: Int.self)
            state.value += 1
            try ctx.setCustomStatus(state.value)
            if state.value >= state.target { return try PayloadCoding.encode(state.value) }
            try ctx.continueAsNew(input: state)
        }
        r.addOrchestrator(named: "EternalEvents") { ctx, input in
            // Each generation consumes one event and continues as new, carrying the rest.
            struct State: Codable { var received: Int; var expected: Int }
            var state = try PayloadCoding.decode(State.self, from: input)
            _ = try await ctx.waitForExternalEvent("tick", as: Int.self)
            state.received += 1
            if state.received >= state.expected { return try PayloadCoding.encode(state.received) }
            try ctx.continueAsNew(input: state, preserveUnprocessedEvents: true)
        }
        r.addOrchestrator(named: "ContinueOnceThenWait") { ctx, input in
            // Generation 0 continues as new at once; generation 1 waits for an event that never comes.
            if try PayloadCoding.decode(Int.self, from: input) == 0 {
                try ctx.continueAsNew(input: 1)
            }
            let never: String = try await ctx.waitForExternalEvent("never", as: String.self)
            return try PayloadCoding.encode(never)
        }
        r.addOrchestrator(named: "CallHang") { ctx, _ in
            // Calls activity "Hang", which tests register as they need (a killed worker hangs in it).
            let out: String = try await ctx.callActivity(named: "Hang")
            return try PayloadCoding.encode(out)
        }
        r.addOrchestrator(named: "CountOnce") { ctx, input in
            let key = try PayloadCoding.decode(String.self, from: input)
            let _: NoValue = try await ctx.callActivity(named: "Count", input: key)
            return nil
        }
        registerEntities(&r)
        return r
    }
}
