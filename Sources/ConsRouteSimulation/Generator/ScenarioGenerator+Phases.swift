import ConsRouteModel

extension ScenarioGenerator {
    /// Starts the phases due at the current event and advances gradual shifts.
    ///
    /// - Complexity: O(topics) per event while a shift runs, O(1) otherwise.
    mutating func applyPhases() {
        var changed = false
        while nextPhase < scenario.phases.count, scenario.phases[nextPhase].at <= eventIndex {
            switch scenario.phases[nextPhase] {
            case .newTopic(_, let topic, let weight):
                weights[topic] = weight
                changed = true
            case .shift(let at, let over, let to):
                let from = Dictionary(uniqueKeysWithValues: to.keys.map { ($0, weights[$0]) })
                activeShifts.append((at, over, from, to))
            case .qualityDrop(_, let topic, let tier, let mean, let follows):
                switch scenario.topics[topic].quality {
                case .consistency(let device, let edge):
                    scoreShift[topic][tier.rawValue] = mean - (tier == .device ? device.mean : edge.mean)
                    headFollows[topic][tier.rawValue] = follows
                case .absolute:
                    // The topic's accuracy on the tier becomes `mean`; the head's belief only if it follows.
                    absolute?.cut[topic][tier.rawValue] = AbsoluteQualityModel.cut(mean)
                    if follows { absolute?.believedCut[topic][tier.rawValue] = AbsoluteQualityModel.cut(mean) }
                }
            case .latencyRise(_, let tier, let extraMs):
                extraLatencyMs[tier.rawValue] += extraMs
            }
            nextPhase += 1
        }
        if !activeShifts.isEmpty {
            for shift in activeShifts {
                let progress = min(1, Double(eventIndex - shift.start + 1) / Double(shift.over))
                for (topic, target) in shift.to {
                    weights[topic] = shift.from[topic]! + (target - shift.from[topic]!) * progress
                }
            }
            activeShifts.removeAll { eventIndex - $0.start + 1 >= $0.over }
            changed = true
        }
        if changed { rebuildCumulative() }
    }

    /// The running sums of the mixture weights, for drawing a topic by bisection.
    mutating func rebuildCumulative() {
        var total = 0.0
        cumulative = weights.map { weight in
            total += weight
            return total
        }
    }
}
