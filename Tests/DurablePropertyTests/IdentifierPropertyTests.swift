import DurableTask
@testable import DurableTaskHost
import PropertyBased
import Testing

/// Instance and entity IDs from any text: validation never traps, accepts exactly what the
/// rules allow, and what it accepts survives the trip through an entity's `@name@key` form.
@Suite("Property: instance and entity IDs", .timeLimit(.minutes(1)))
struct IdentifierPropertyTests {
    /// IDs from 0 to 300 scalars, often close to the 256 UTF-16 unit limit, `.`, `..` or `@`-prefixed.
    static let ids = generator { (rng: inout Randomness) -> String in
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return [".", "..", "...", "@", "@@", "@a@", "@a@b", "a/b", "", " ", "@\u{301}x@y", "a@\u{301}b"].randomElement(using: &rng)!
        case 1: return String(repeating: "x", count: Int.random(in: 250...260, using: &rng))
        case 2: return String(repeating: "😀", count: Int.random(in: 126...130, using: &rng))
        case 3: return "@" + RandomText.string(maxLength: 8, using: &rng) + "@" + RandomText.string(maxLength: 300, using: &rng)
        default: return RandomText.string(maxLength: 40, using: &rng)
        }
    }

    /// The rules of ``InstanceID/validate(_:)``, restated.
    static func allowed(_ id: String) -> Bool {
        !id.isEmpty && id.utf16.count <= InstanceID.maxLength && id != "." && id != ".."
            && !id.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || "/\\#?".unicodeScalars.contains($0) }
    }

    @Test func instanceIDValidationFollowsTheRules() async {
        await propertyCheck(count: 2000, input: Self.ids) { id in
            #expect(((try? InstanceID.validate(id)) != nil) == Self.allowed(id), "\(id.debugDescription)")
            let startable = (try? InstanceID.validateForStart(id)) != nil
            #expect(startable == (Self.allowed(id) && id.unicodeScalars.first != "@"), "\(id.debugDescription)")
            // The management API refuses the same IDs, with its own error.
            #expect(((try? ManagementAPI.validateInstanceID(id)) != nil) == startable)
        }
    }

    @Test func entityIDsRoundTripAndValidate() async {
        await propertyCheck(count: 2000, input: Self.ids) { id in
            guard let entity = EntityID(instanceId: id) else {
                #expect(!EntityID.isEntity(id) || !id.unicodeScalars.dropFirst().contains("@"), "\(id.debugDescription)")
                return
            }
            #expect(EntityID.isEntity(entity.instanceId))
            #expect(EntityID(instanceId: entity.instanceId) == entity)
            let valid = (try? entity.validate()) != nil
            // A valid entity ID is a valid instance ID (and never startable as an orchestration).
            if valid {
                #expect(Self.allowed(entity.instanceId), "\(entity.instanceId.debugDescription)")
                #expect((try? InstanceID.validateForStart(entity.instanceId)) == nil)
            }
            #expect(valid == (!entity.name.isEmpty && Self.allowed(entity.instanceId)), "\(entity.instanceId.debugDescription)")
        }
    }

    @Test func externalEventsNeverReachEntitiesOrReservedNames() async {
        await propertyCheck(count: 1000, input: Self.ids, RandomText.strings(maxLength: 8)) { id, name in
            let accepted = (try? ExternalEvent.validate(to: id, name: name)) != nil
            #expect(accepted == (id.unicodeScalars.first != "@" && name.unicodeScalars.first != "$"),
                    "\(id.debugDescription) \(name.debugDescription)")
        }
    }

    /// Found by ``entityIDsRoundTripAndValidate()``: an `@` followed by a combining mark is a
    /// different character, so `hasPrefix("@")` and `first == "@"` missed it while the engine,
    /// which looks at the first byte, took the ID for an entity. A client could start an
    /// orchestration `@\u{301}x@y`; the worker ran it as an entity batch, which failed (not an entity
    /// ID) and was released and retried without end. The `$` of reserved event names had the same gap.
    @Test func anAtSignWithACombiningMarkIsStillAnEntityPrefix() async throws {
        let id = "@\u{301}x@y"
        #expect(EntityID.isEntity(id))
        #expect(EntityID(instanceId: id) == EntityID(name: "\u{301}x", key: "y"))
        #expect(throws: DurableTaskError.self) { try InstanceID.validateForStart(id) }
        #expect(throws: DurableTaskError.self) { try EntityID(name: "a@\u{301}b", key: "k").validate() }
        #expect(throws: DurableTaskError.self) { try ExternalEvent.validate(to: "orchestration", name: "$\u{301}entity") }
        let client = DurableTaskClient(store: InMemoryOrchestrationStore())
        let error = try await #require(throws: DurableTaskError.self) {
            try await client.scheduleNewOrchestration(named: "X", options: .init(instanceId: id))
        }
        #expect(error.code == .invalidArgument)
    }
}
