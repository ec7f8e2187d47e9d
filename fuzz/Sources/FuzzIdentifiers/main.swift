// libFuzzer target: instance and entity ID rules on any text. Validation must never trap;
// an ID valid to start is never an entity's; a parsed entity ID writes back to one that parses
// the same, and one that validates is a valid instance ID; events never reach entities.
import DurableTask
import FuzzSupport

runLibFuzzer { data, size in
    let id = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let valid = (try? InstanceID.validate(id)) != nil
    let startable = (try? InstanceID.validateForStart(id)) != nil
    fuzzCheck(!startable || (valid && !EntityID.isEntity(id)), "startable but invalid or an entity: \(id.debugDescription)")
    if let entity = EntityID(instanceId: id) {
        fuzzCheck(EntityID.isEntity(id), "parsed as an entity but not one: \(id.debugDescription)")
        fuzzCheck(EntityID(instanceId: entity.instanceId) == entity, "entity ID does not round-trip: \(id.debugDescription)")
        if (try? entity.validate()) != nil {
            fuzzCheck((try? InstanceID.validate(entity.instanceId)) != nil, "valid entity, invalid instance ID: \(id.debugDescription)")
        }
    } else {
        fuzzCheck(!EntityID.isEntity(id) || !id.unicodeScalars.dropFirst().contains("@"), "entity prefix not parsed: \(id.debugDescription)")
    }
    if (try? ExternalEvent.validate(to: id, name: id)) != nil {
        fuzzCheck(!EntityID.isEntity(id) && id.utf8.first != UInt8(ascii: "$"), "event accepted to \(id.debugDescription)")
    }
    return 0
}
