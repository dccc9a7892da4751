import ArgumentParser
import ConsRouteModel
import ConsRouteRouter
import ConsRouteTuning
import Foundation

/// `consroute demo`: the data-plane half of the loop on one machine, with nothing to set up.
///
/// A controller key signs an example table; a device router verifies it, applies it, persists it, and
/// routes a stream of synthetic queries; a tampered table and an old version are refused; a restarted
/// router routes at once from its last good table. (The live controller loop joins this demo when the
/// controller lands; the README says what runs today.)
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the device router end to end on a signed example table (no set-up needed).")

    @Option(name: .long, help: "Synthetic queries to route.")
    var queries = 1_000_000

    @Option(name: .long, help: "Folder for the demo's key and the router's last good table (default: a temporary folder).")
    var workdir: String?

    func validate() throws {
        guard queries >= 1 else { throw ValidationError("--queries must be at least 1") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: workdir ?? NSTemporaryDirectory()).appendingPathComponent("consroute-demo-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = TableSigningKey()
        var generator = SeededGenerator(seed: 2026)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let table = ThresholdTable.example(fleet: "demo", version: 1, createdAtMs: now, using: &generator)
        let configuration = RouterConfiguration(
            fleet: "demo", deviceID: "demo-device-1", fingerprint: table.fingerprint, trustedKeys: [key.verifyingKey],
            stateDirectory: folder)
        print("1. controller key \(key.keyID) signs table v1 of fleet demo: \(table.clusters.count) clusters, d=\(table.dimension)")

        let router = try DeviceRouter(configuration: configuration)
        let ack = router.apply(envelope: try SignedTable(signing: table, with: key).envelopeBytes())
        print("2. device router verifies and applies it: applied=\(ack.applied) version=\(ack.version)")

        var envelope = try SignedTable(signing: table, with: key).envelopeString()
        envelope = envelope.replacingOccurrences(of: "\"version\":1", with: "\"version\":2")
        let rejected = router.apply(envelope: Array(envelope.utf8))
        print("3. a tampered copy is refused: applied=\(rejected.applied) reason=\"\(rejected.reason)\"")

        try routeStream(router: router, table: table, generator: &generator)

        let restarted = try DeviceRouter(configuration: configuration)
        print("5. a restarted router reloads its last good table from \(folder.path): version \(restarted.table?.table.version ?? 0)")
        let old = restarted.apply(envelope: try SignedTable(signing: ThresholdTable.example(fleet: "demo", version: 1, createdAtMs: now, using: &generator), with: key).envelopeBytes())
        print("   and refuses a different table under the version it holds: \"\(old.reason)\"")
        print("""

            Next: consroute table show|verify|diff on a file written by `consroute table example`;
            consroute keygen for your own keys. README.md lists what each part does and its measured speed.
            """)
    }

    private func routeStream(router: DeviceRouter, table: ThresholdTable, generator: inout SeededGenerator) throws {
        let d = table.dimension
        let pool = 4_096
        var representations = [Float](repeating: 0, count: pool * d)
        var scores = [Float](repeating: 0, count: pool * 2)
        for query in 0..<pool {
            let cluster = table.clusters[Int.random(in: 0..<table.clusters.count, using: &generator)]
            for j in 0..<d { representations[query * d + j] = cluster.centroid[j] + Float(generator.nextGaussian()) * 0.35 }
            scores[2 * query] = Float(generator.nextUnit())
            scores[2 * query + 1] = Float(generator.nextUnit())
        }
        var counts = [0, 0, 0]
        var novel = 0
        let start = DispatchTime.now().uptimeNanoseconds
        try representations.withUnsafeBufferPointer { buffer in
            for query in 0..<queries {
                let slot = query % pool
                let decision = try router.route(
                    representation: UnsafeBufferPointer(rebasing: buffer[slot * d..<(slot + 1) * d]),
                    pDevice: scores[2 * slot], pEdge: scores[2 * slot + 1])
                counts[decision.tier.rawValue] += 1
                if decision.isNovel { novel += 1 }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let shares = counts.map { String(format: "%.1f%%", 100 * Double($0) / Double(queries)) }
        print(
            "4. routed \(queries) queries in \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", Double(queries) / seconds / 1000)) k/s): "
                + "device \(shares[0]), edge \(shares[1]), cloud \(shares[2]); novel \(novel)")
    }
}
