import ConsRouteModel
import ConsRouteYAML
import Yams

extension ScenarioLoader {
    private static let phaseKeys: [String: Set<String>] = [
        "new_topic": ["kind", "at", "topic", "weight"],
        "shift": ["kind", "at", "over", "to"],
        "quality_drop": ["kind", "at", "topic", "tier", "mean", "head_follows"],
        "latency_rise": ["kind", "at", "tier", "extra_ms"],
    ]

    func phase(_ field: YAMLField, topics: [ScenarioTopic], mode: ScoreMode) throws(ScenarioError) -> ScenarioPhase {
        guard let kindNode = field.node.mapping?["kind"] else {
            _ = try field.mapping(allowed: ["kind"])
            throw field.invalid("expected a kind: new_topic, shift, quality_drop or latency_rise")
        }
        let kindField = YAMLField(node: kindNode, path: "\(field.path).kind", file: field.file)
        let kind = try kindField.string()
        guard let allowed = Self.phaseKeys[kind] else {
            throw kindField.invalid(
                "unknown phase kind \"\(kind)\" (known: new_topic, shift, quality_drop, latency_rise)"
            )
        }
        let map = try field.mapping(allowed: allowed)
        let at = try map.required("at").int(in: 0...Int.max, "an event index >= 0")
        switch kind {
        case "new_topic":
            return .newTopic(
                at: at,
                topic: try topicIndex(map.required("topic"), topics),
                weight: try map.required("weight").double(in: 0...1e6, "a weight >= 0")
            )
        case "shift":
            let target = try map.required("to")
            guard let pairs = target.node.mapping, !pairs.isEmpty else {
                throw target.invalid("expected a mapping from topic names to weights")
            }
            var to: [Int: Double] = [:]
            for (key, value) in pairs {
                let keyField = YAMLField(
                    node: key,
                    path: "\(target.path).\(key.scalar?.string ?? "?")",
                    file: field.file
                )
                let topic = try topicIndex(keyField, topics)
                to[topic] = try YAMLField(node: value, path: keyField.path, file: field.file).double(
                    in: 0...1e6,
                    "a weight >= 0"
                )
            }
            return .shift(at: at, over: try map.required("over").int(in: 1...Int.max, "an event count >= 1"), to: to)
        case "quality_drop":
            let tierField = try map.required("tier")
            let tierName = try tierField.string()
            guard let tier = Tier(name: tierName), tier != .cloud || mode == .absolute else {
                throw tierField.invalid(
                    mode == .absolute
                        ? "expected device, edge or cloud"
                        : "expected device or edge (the cloud's score is 1 by definition)"
                )
            }
            return .qualityDrop(
                at: at,
                topic: try topicIndex(map.required("topic"), topics),
                tier: tier,
                mean: try map.required("mean").double(
                    in: 0...1,
                    mode == .absolute ? "an accuracy in [0, 1]" : "a mean score in [0, 1]"
                ),
                headFollows: try map["head_follows"]?.bool() ?? false
            )
        default:
            let tierField = try map.required("tier")
            guard let tier = Tier(name: try tierField.string()) else {
                throw tierField.invalid("expected device, edge or cloud")
            }
            return .latencyRise(
                at: at,
                tier: tier,
                extraMs: try map.required("extra_ms").double(in: -1e9...1e9, "milliseconds")
            )
        }
    }

    private func topicIndex(_ field: YAMLField, _ topics: [ScenarioTopic]) throws(ScenarioError) -> Int {
        let name = try field.string()
        guard let index = topics.firstIndex(where: { $0.name == name }) else {
            throw field.invalid("unknown topic \"\(name)\" (known: \(topics.map(\.name).joined(separator: ", ")))")
        }
        return index
    }
}
