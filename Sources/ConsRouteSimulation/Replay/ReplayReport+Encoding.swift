public import Foundation

extension ReplayReport {
    /// The report's JSON encoder: snake_case keys, sorted, pretty-printed.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        return encoder
    }

    /// The report's JSON decoder (snake_case keys).
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        return decoder
    }

    /// The report as JSON.
    public func jsonData() throws -> Data { try Self.encoder.encode(self) }

    /// Per phase, how long the window quality ratio took to be back at or above `qMin` for good.
    ///
    /// - Parameters:
    ///   - phases: the scenario's phases (sorted by `at`).
    ///   - windows: the report's windows.
    ///   - qMin: the quality-ratio floor.
    /// - Complexity: O(phases · windows).
    public static func recoveries(phases: [ScenarioPhase], windows: [Window], qMin: Double) -> [PhaseRecovery] {
        phases.enumerated().map { position, phase in
            let end = position + 1 < phases.count ? phases[position + 1].at : Int.max
            let concerned = windows.filter { $0.lastEvent >= phase.at && $0.firstEvent < end }
            // A window whose all-cloud quality is 0 (undefined ratio) cannot be below the cloud: not counted.
            let lowest = concerned.map(\.policy.qualityRatio).filter { !$0.isNaN }.min() ?? 1
            var recovery: Int? = 0
            if let lastBelow = concerned.lastIndex(where: { $0.policy.qualityRatio < qMin }) {
                recovery = lastBelow == concerned.count - 1 ? nil : concerned[lastBelow].lastEvent + 1 - phase.at
            }
            return PhaseRecovery(kind: phase.kind, at: phase.at, lowestQualityRatio: lowest, eventsToRecover: recovery)
        }
    }
}
