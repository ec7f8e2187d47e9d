@testable import DurableTaskGRPC
import Testing

/// Which work a connected worker is sent.
@Suite("Sidecar: work item filters", .timeLimit(.minutes(1)))
struct WorkItemFiltersTests {
    @Test func noFiltersTakeEverything() {
        let filters = WorkItemFilters(ProtoGetWorkItemsRequest())
        #expect(filters.accepts(orchestration: "any", version: nil))
        #expect(filters.accepts(activity: "any"))
        #expect(filters.accepts(entity: "any"))
    }

    @Test func filtersNameWhatTheWorkerRuns() {
        var request = ProtoGetWorkItemsRequest()
        var o = ProtoOrchestrationFilter()
        o.name = "O"
        o.versions = ["2.0"]
        var open = ProtoOrchestrationFilter()
        open.name = "Any"
        var a = ProtoActivityFilter()
        a.name = "A"
        a.versions = ["2.0"]
        var e = ProtoEntityFilter()
        e.name = "Counter"
        request.workItemFilters.orchestrations = [o, open]
        request.workItemFilters.activities = [a]
        request.workItemFilters.entities = [e]
        let filters = WorkItemFilters(request)
        #expect(filters.accepts(orchestration: "O", version: "2.0"))
        #expect(!filters.accepts(orchestration: "O", version: "1.0"))
        #expect(!filters.accepts(orchestration: "O", version: nil))
        #expect(filters.accepts(orchestration: "Any", version: "7"))
        #expect(!filters.accepts(orchestration: "Other", version: nil))
        // Activities carry no version of their own: matched by name.
        #expect(filters.accepts(activity: "A"))
        #expect(!filters.accepts(activity: "B"))
        #expect(filters.accepts(entity: "counter"))
        #expect(!filters.accepts(entity: "account"))
    }

    @Test func deadlinesAreRead() {
        #expect(StateTranslation.timeout("30S") == .seconds(30))
        #expect(StateTranslation.timeout("250m") == .milliseconds(250))
        #expect(StateTranslation.timeout("2H") == .seconds(7200))
        #expect(StateTranslation.timeout("x") == nil)
        #expect(StateTranslation.timeout(nil) == nil)
        // A caller's header must not trap the host: too long, negative, overflowing.
        #expect(StateTranslation.timeout("99999999999999999H") == nil)
        #expect(StateTranslation.timeout("-5S") == nil)
        #expect(StateTranslation.timeout("99999999H") == .seconds(Int64(99_999_999) * 3600))
    }
}
