// libFuzzer target: the signed-table envelope as a router receives it (docs/design.md §5): parse the envelope and the
// canonical table, verify the signature against the pinned key, then build the routing policy and route one
// query with it. Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer` against the instrumented ConsRouteModel module.

import ConsRouteModel
import Foundation

/// The pinned key; the seeds are signed with it, so mutations of a genuine table reach the code past the signature.
private let signingKey = try! TableSigningKey(rawRepresentation: Array(1...32))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTableEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let signed = try? SignedTable(envelope: bytes) else { return 0 }
    _ = signed.envelopeString()
    _ = try? signed.verifySignature(trusting: [signingKey.verifyingKey])
    let table = signed.table
    _ = table.isExpired(atMs: 1_795_000_000_000)
    _ = CanaryCohort.contains(deviceID: "device-1", salt: table.rollout.salt, percent: table.rollout.percent)
    let policy = RoutingPolicy(table: table)
    let dimension = table.fingerprint.representationDim
    if dimension > 0, dimension <= 4_096, !table.clusters.isEmpty {
        let query = [Float](repeating: 0.25, count: dimension)
        _ = query.withUnsafeBufferPointer { policy.nearestCluster($0) }
    }
    return 0
}

/// With CONSROUTE_FUZZ_SEEDS set to a directory, writes signed example tables there and exits (scripts/fuzz.sh).
@_cdecl("LLVMFuzzerInitialize")
public func initializeTableEnvelopeFuzz(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["CONSROUTE_FUZZ_SEEDS"] else { return 0 }
    var generator = FuzzRandom(seed: 7)
    for (index, shape) in [(4, 2), (8, 4), (16, 1)].enumerated() {
        var table = ThresholdTable.example(
            fleet: "fleet-\(index)",
            version: UInt64(index + 1),
            dimension: shape.0,
            clusterCount: shape.1,
            createdAtMs: 1_795_000_000_000,
            using: &generator
        )
        if index == 1 { table.rollout = Rollout(stage: .canary, percent: 12.5, salt: "salt") }
        let signed = try! SignedTable(signing: table, with: signingKey)
        FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(signed.envelopeBytes()))
    }
    exit(0)
}
