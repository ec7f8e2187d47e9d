@testable import DurableTaskHost
import DurableTask
import Foundation
import HTTPTypes
import Testing

/// Unit tests of the formats: JSON values (§6.2, §3.1 embedding), timestamps (§6.1), instance
/// ID rules (§6.3, the core's `InstanceID`), link encoding (§3.2) and history merging (§3.4).
@Suite(.timeLimit(.minutes(3))) struct ManagementAPIFormatTests {
    @Test(arguments: [
        ("null", "null"), ("true", "true"), (" 12.5e-3 ", "12.5e-3"), (#""a\u00e9\n\"""#, #""aé\n\"""#),
        (#"{"b": 1, "a": [1, {"c": null}], "b": 2}"#, #"{"b":1,"a":[1,{"c":null}],"b":2}"#), ("[]", "[]"), ("{}", "{}"),
        (#""\ud83d\ude00""#, "\"😀\""), (#""2024-05-01T12:00:00Z""#, #""2024-05-01T12:00:00Z""#), ("-0", "-0"),
        (#""\u0001""#, #""\u0001""#),
    ])
    func jsonRoundTrips(_ input: String, _ compact: String) throws {
        #expect(try JSONValue.parse(Array(input.utf8)).serialized == compact)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "tru", "nul", "'a'", "\"a", "\"\\x\"", "\"\\ud800\"",
        "1 2", "{\"a\" 1}", "[1 2]", "\"a\u{01}\"", "NaN", "Infinity",
    ])
    func jsonRejects(_ input: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(input.utf8)) }
    }

    @Test func jsonRejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue.parse(Array(ok.utf8)) }
    }

    @Test func embeddingRule() {
        #expect(JSONValue.embedding(nil).serialized == "null")
        #expect(JSONValue.embedding("").serialized == #""""#)
        #expect(JSONValue.embedding("  \n").serialized == #""""#)
        #expect(JSONValue.embedding(#"{"a": 1}"#).serialized == #"{"a":1}"#)
        #expect(JSONValue.embedding("not json").serialized == #""not json""#)
        #expect(JSONValue.embedding(#""2024-05-01T00:00:00Z""#).serialized == #""2024-05-01T00:00:00Z""#)
    }

    @Test func timestampFormats() {
        let date = Date(timeIntervalSince1970: 1_714_564_800.1234567)  // 2024-05-01T12:00:00.1234567Z
        #expect(APITimestamps.seconds(date) == "2024-05-01T12:00:00Z")
        #expect(APITimestamps.precise(date).hasPrefix("2024-05-01T12:00:00.12345"))
        #expect(APITimestamps.precise(Date(timeIntervalSince1970: 1_714_564_801.5)) == "2024-05-01T12:00:01.5Z")
        #expect(APITimestamps.precise(Date(timeIntervalSince1970: 1_714_564_801)) == "2024-05-01T12:00:01Z")
        #expect(APITimestamps.seconds(Date(timeIntervalSince1970: 1_714_564_799.9999)) == "2024-05-01T11:59:59Z")
        #expect(APITimestamps.seconds(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(APITimestamps.seconds(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func timestampParsing() {
        let noon = Date(timeIntervalSince1970: 1_714_564_800)
        #expect(APITimestamps.parse("2024-05-01T12:00:00Z") == noon)
        #expect(APITimestamps.parse("2024-05-01t12:00:00z") == noon)
        #expect(APITimestamps.parse("2024-05-01T12:00:00") == noon)
        #expect(APITimestamps.parse("2024-05-01 12:00") == noon)
        #expect(APITimestamps.parse("2024-05-01T14:00:00+02:00") == noon)
        #expect(APITimestamps.parse("2024-05-01T14:00:00 02:00") == noon)  // a form-decoded '+'
        #expect(APITimestamps.parse("2024-05-01T10:30:00-0130") == noon)
        #expect(APITimestamps.parse("2024-05-01") == Date(timeIntervalSince1970: 1_714_521_600))
        #expect(abs(APITimestamps.parse("2024-05-01T12:00:00.25Z")!.timeIntervalSince(noon) - 0.25) < 1e-6)
        for bad in ["", "yesterday", "2024-13-01", "2024-02-30", "2024-05-01T25:00", "2024-05-01T12", "2024-05-01T12:00:00+2", "2024-05-01T12:00:00Zjunk"] {
            #expect(APITimestamps.parse(bad) == nil, "\(bad)")
        }
    }

    /// The core change: lengths in UTF-16 code units, C1 controls refused, `@` refused for starts.
    @Test func instanceIdRules() throws {
        try InstanceID.validate(String(repeating: "😀", count: 128))
        #expect(throws: DurableTaskError.self) { try InstanceID.validate(String(repeating: "😀", count: 129)) }
        try InstanceID.validate(String(repeating: "é", count: 256))  // 512 UTF-8 bytes, 256 UTF-16 units
        #expect(throws: DurableTaskError.self) { try InstanceID.validate("") }
        for bad in ["a\u{0}", "a\u{1F}", "a\u{7F}", "a\u{80}", "a\u{85}", "a\u{9F}", "a/b", "a\\b", "a?b", "a#b"] {
            #expect(throws: DurableTaskError.self, "\(bad.unicodeScalars.map(\.value))") { try InstanceID.validate(bad) }
        }
        for good in ["a b", "a:b", "a+b", "a@b", "日本", "a\u{A0}b", "@entity"] { try InstanceID.validate(good) }
        #expect(throws: DurableTaskError.self) { try InstanceID.validateForStart("@entity@key") }
        try InstanceID.validateForStart("a@b")
    }

    /// Starting through the client applies the start rules.
    @Test func clientRefusesEntityPrefixedIds() async throws {
        let client = DurableTaskClient(store: InMemoryOrchestrationStore())
        let error = try await #require(throws: DurableTaskError.self) {
            try await client.scheduleNewOrchestration(named: "X", options: .init(instanceId: "@counter@a"))
        }
        #expect(error.code == .invalidArgument)
    }

    @Test func linkEncoding() {
        let links = CheckStatusLinks(origin: "http://h:1", basePath: "/base/", taskHub: "my hub", connection: "a&b", key: "k+=")
        #expect(links.statusQuery("a b/c") == "http://h:1/base/instances/a%20b%2Fc?taskHub=my+hub&connection=a%26b&code=k%2B%3D")
        #expect(CheckStatusLinks.formEncode("aZ09-_.~ é") == "aZ09-_.~+%C3%A9")
    }

    @Test func historyMergesSchedulingIntoCompletion() {
        let t0 = Date(timeIntervalSince1970: 1_714_564_800)
        let history: [HistoryEvent] = [
            HistoryEvent(timestamp: t0, kind: .orchestratorStarted),
            HistoryEvent(timestamp: t0, kind: .executionStarted(.init(name: "O", instanceId: "i", executionId: "e", input: "1"))),
            HistoryEvent(eventId: 0, timestamp: t0.addingTimeInterval(0.5), kind: .taskScheduled(name: "A", input: #""x""#, attempt: 1)),
            HistoryEvent(eventId: 1, timestamp: t0.addingTimeInterval(0.5), kind: .subOrchestrationInstanceCreated(name: "S", instanceId: "c", input: nil)),
            HistoryEvent(eventId: 2, timestamp: t0.addingTimeInterval(0.5), kind: .taskScheduled(name: "B", input: "2", attempt: 1)),
            HistoryEvent(timestamp: t0, kind: .orchestratorCompleted),
            HistoryEvent(timestamp: t0.addingTimeInterval(1), kind: .taskCompleted(taskScheduledId: 0, result: #"{"ok":true}"#)),
            HistoryEvent(timestamp: t0.addingTimeInterval(2), kind: .subOrchestrationInstanceFailed(
                taskScheduledId: 1, failure: FailureDetails(errorType: "E", errorMessage: "m", stackTrace: "st", innerFailure: FailureDetails(errorType: "I", errorMessage: "n")))),
            HistoryEvent(timestamp: t0.addingTimeInterval(3), kind: .eventSent(instanceId: "o", name: "ev", input: "3")),
            HistoryEvent(timestamp: t0.addingTimeInterval(4), kind: .executionTerminated(reason: #""bye""#, recurse: true)),
        ]
        let json = HistoryPayload.events(history, showInput: true, showOutput: true).serialized
        #expect(json == "["
            + #"{"EventType":"ExecutionStarted","Timestamp":"2024-05-01T12:00:00Z","FunctionName":"O","Input":"1"},"#
            + #"{"EventType":"TaskScheduled","Timestamp":"2024-05-01T12:00:00.5Z","Name":"B","Input":"2"},"#
            + #"{"EventType":"TaskCompleted","Timestamp":"2024-05-01T12:00:01Z","FunctionName":"A","ScheduledTime":"2024-05-01T12:00:00.5Z","Input":"\"x\"","Result":{"ok":true}},"#
            + #"{"EventType":"SubOrchestrationInstanceFailed","Timestamp":"2024-05-01T12:00:02Z","FunctionName":"S","ScheduledTime":"2024-05-01T12:00:00.5Z","Input":null,"InstanceId":"c","Reason":"m","Details":"st","FailureDetails":{"ErrorType":"E","ErrorMessage":"m","StackTrace":"st","InnerFailure":{"ErrorType":"I","ErrorMessage":"n","StackTrace":null,"InnerFailure":null,"IsNonRetriable":false},"IsNonRetriable":false}},"#
            + #"{"EventType":"EventSent","Timestamp":"2024-05-01T12:00:03Z","InstanceId":"o","Name":"ev","Input":"3"},"#
            + #"{"EventType":"ExecutionTerminated","Timestamp":"2024-05-01T12:00:04Z","Input":"\"bye\""}"#
            + "]")
        let hidden = HistoryPayload.events(history, showInput: false, showOutput: false).serialized
        #expect(!hidden.contains("\"Input\"") && !hidden.contains("\"Result\""))
    }
}

/// Path splitting and route matching (§2, §9), without a server.
@Suite(.timeLimit(.minutes(3))) struct ManagementAPIRouteTests {
    let base = ["runtime", "webhooks", "durabletask"]

    @Test func segments() throws {
        #expect(try APIRoute.segments(path: "/runtime/webhooks/durabletask/instances/a%2Fb+c/", basePath: base) == ["instances", "a/b+c"])
        #expect(try APIRoute.segments(path: "/Runtime/WEBHOOKS/durableTask", basePath: base) == [])
        #expect(try APIRoute.segments(path: "/runtime/webhooks/other/instances", basePath: base) == nil)
        #expect(try APIRoute.segments(path: "/runtime", basePath: base) == nil)
        #expect(throws: ManagementAPIError.self) { try APIRoute.segments(path: "/runtime/webhooks/durabletask/instances/a%zzb", basePath: base) }
        #expect(throws: ManagementAPIError.self) { try APIRoute.segments(path: "/runtime/webhooks/durabletask/instances//x", basePath: base) }
    }

    @Test func matching() throws {
        #expect(try APIRoute.match(method: .post, segments: ["Orchestrators", "F"]) == .start(functionName: "F", instanceId: nil))
        #expect(try APIRoute.match(method: .post, segments: ["orchestrators", "F", "i"]) == .start(functionName: "F", instanceId: "i"))
        #expect(try APIRoute.match(method: .post, segments: ["orchestrators", "F", "i", "SignalWithStart", "e"])
            == .signalWithStart(functionName: "F", instanceId: "i", eventName: "e"))
        #expect(try APIRoute.match(method: .get, segments: ["INSTANCES"]) == .list)
        #expect(try APIRoute.match(method: .delete, segments: ["instances"]) == .purgeMany)
        #expect(try APIRoute.match(method: .get, segments: ["instances", "x"]) == .status(instanceId: "x"))
        #expect(try APIRoute.match(method: .delete, segments: ["instances", "x"]) == .purge(instanceId: "x"))
        #expect(try APIRoute.match(method: .post, segments: ["instances", "x", "ReWind"]) == .operation(instanceId: "x", .rewind))
        #expect(try APIRoute.match(method: .post, segments: ["instances", "x", "raiseevent", "E"]) == .raiseEvent(instanceId: "x", eventName: "E"))
        #expect(try APIRoute.match(method: .delete, segments: ["entities", "a", "b"]) == .signalEntity(name: "a", key: "b", operation: "delete"))
        #expect(try APIRoute.match(method: .post, segments: ["Entities", "a", "b"]) == .signalEntity(name: "a", key: "b", operation: nil))
        #expect(try APIRoute.match(method: .post, segments: ["entities"]) == .signalEntity(name: nil, key: "", operation: nil))
        #expect(try APIRoute.match(method: .get, segments: ["entities", "a", "b"]) == .getEntity(name: "a", key: "b"))
        #expect(try APIRoute.match(method: .get, segments: ["entities", "a"]) == .listEntities(name: "a"))
        #expect(try APIRoute.match(method: .get, segments: ["entities"]) == .listEntities(name: nil))
        for (method, path) in [
            (HTTPRequest.Method.get, ["orchestrators", "F"]), (.post, ["instances", "x"]), (.get, ["instances", "x", "terminate"]),
            (.post, ["instances", "x", "nope"]), (.put, ["entities"]), (.post, []), (.post, ["orchestrators", "F", "i", "other", "e"]),
        ] {
            #expect(throws: ManagementAPIError.self, "\(method) \(path)") { try APIRoute.match(method: method, segments: path) }
        }
    }
}
