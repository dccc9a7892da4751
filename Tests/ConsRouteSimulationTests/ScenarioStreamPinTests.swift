import ConsRouteModel
import Testing

@testable import ConsRouteSimulation

/// The consistency-mode streams of the shipped scenarios, pinned: a change to the generator or the loader must not
/// move a single draw of `drift.yaml` or `demo.yaml` (replay figures in the docs were measured on them).
@Suite("Scenario stream pins")
struct ScenarioStreamPinTests {
    /// FNV-1a over the text of the first `count` events of a shipped scenario.
    private func streamHash(_ name: String, count: Int) throws -> UInt64 {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        return try streamHash(try ScenarioLoader().load(path: "/\(root)/config/scenarios/\(name)"), count: count)
    }

    /// FNV-1a over the text of the first `count` events of `scenario`.
    private func streamHash(_ scenario: Scenario, count: Int) throws -> UInt64 {
        var generator = ScenarioGenerator(scenario: scenario)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for _ in 0..<count {
            let next = generator.next()
            let event = try #require(next)
            for byte in "\(event)".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return hash
    }

    @Test("drift.yaml and demo.yaml generate the same first 3,000 events as before absolute mode existed")
    func consistencyStreams() throws {
        let drift = try streamHash("drift.yaml", count: 3_000)
        let demo = try streamHash("demo.yaml", count: 3_000)
        // The small test scenario over its new topic (15,000) and its unseen device-quality drop (28,000).
        let phases = try streamHash(try driftingScenario(events: 30_000), count: 30_000)
        // Measured on the generator before absolute mode (f206415).
        #expect(drift == 18_350_158_394_699_924_774)
        #expect(demo == 13_297_627_035_073_213_096)
        #expect(phases == 14_047_868_364_907_368_607)
    }
}
