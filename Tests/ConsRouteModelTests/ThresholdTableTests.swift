import ConsRouteModel
import Foundation
import Testing

@Suite("Threshold tables")
struct ThresholdTableTests {
    @Test("encode → decode → encode gives identical bytes", arguments: [UInt64(1), 2, 3, 4, 5])
    func canonicalStability(seed: UInt64) throws {
        let table = Fixtures.table(seed: seed, dimension: 16, clusters: 5)
        let bytes = try table.canonicalBytes()
        let decoded = try ThresholdTable(jsonBytes: bytes)
        #expect(decoded == table)
        #expect(try decoded.canonicalBytes() == bytes)
    }

    @Test("floats round-trip bit for bit through their shortest decimal")
    func floatRoundTrip() throws {
        var generator = SeededGenerator(seed: 42)
        var table = Fixtures.table(dimension: 64, clusters: 1)
        let specials: [Float] = [
            0, 1, -1, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1e-7, 0.1, 1 / 3,
        ]
        table.clusters[0].centroid = (0..<64).map { index in
            index < specials.count
                ? specials[index] : Float(bitPattern: UInt32.random(in: 0..<0x7F00_0000, using: &generator))
        }
        let decoded = try ThresholdTable(jsonBytes: try table.canonicalBytes())
        #expect(decoded.clusters[0].centroid.map(\.bitPattern) == table.clusters[0].centroid.map(\.bitPattern))
    }

    @Test("canonical JSON uses the contract's field names")
    func fieldNames() throws {
        let text = try Fixtures.table().canonicalBytes().text
        for name in [
            "\"fleet\"", "\"version\"", "\"parent_version\"", "\"created_at\"", "\"expires_at\"",
            "\"representation_model\"", "\"representation_dim\"", "\"reranker\"", "\"prompt_template\"", "\"radius2\"",
            "\"t_device\"", "\"t_edge\"", "\"novel\"", "\"reprefill_ms_per_1k_tokens\"", "\"stage\"", "\"percent\"",
            "\"salt\"", "\"quality_ratio\"", "\"trigger\"", "\"optimiser_run_id\"", "\"controller_version\"",
        ] {
            #expect(text.contains(name), "missing \(name)")
        }
        #expect(!text.contains(" "))
    }

    @Test("invalid tables are rejected naming the field")
    func validation() {
        var wrongDimension = Fixtures.table()
        wrongDimension.clusters[1].centroid.removeLast()
        var badThreshold = Fixtures.table()
        badThreshold.clusters[2].thresholds.edge = 1.5
        var duplicate = Fixtures.table()
        duplicate.clusters[3].id = duplicate.clusters[0].id
        var badReprefill = Fixtures.table()
        badReprefill.reprefillMsPer1kTokens = [1, 2]
        var badExpiry = Fixtures.table()
        badExpiry.expiresAtMs = badExpiry.createdAtMs
        let cases: [(ThresholdTable, String)] = [
            (wrongDimension, "table.clusters[1].centroid"), (badThreshold, "table.clusters[2].t_edge"),
            (duplicate, "table.clusters[3].id"), (badReprefill, "table.reprefill_ms_per_1k_tokens"),
            (badExpiry, "table.expires_at"),
        ]
        for (table, field) in cases {
            #expect(throws: TableFormatError.self) { try table.validate() }
            do {
                try table.validate()
            } catch {
                #expect(error.field == field)
            }
        }
    }

    @Test("decoding names the missing or mistyped field")
    func decodingErrors() throws {
        let text = try Fixtures.table().canonicalBytes().text
        let missing = text.replacingOccurrences(of: "\"reranker\":", with: "\"rerankr\":")
        let mistyped = text.replacingOccurrences(of: "\"stage\":\"active\"", with: "\"stage\":\"everywhere\"")
        let nonNumber = text.replacingOccurrences(of: "\"version\":3", with: "\"version\":\"3\"")
        for (input, field) in [
            (missing, "table.fingerprint.reranker"), (mistyped, "table.rollout.stage"), (nonNumber, "table.version"),
        ] {
            do {
                _ = try ThresholdTable(jsonBytes: Array(input.utf8))
                Issue.record("accepted a broken table: \(field)")
            } catch {
                #expect(error.field == field)
            }
        }
    }
}
