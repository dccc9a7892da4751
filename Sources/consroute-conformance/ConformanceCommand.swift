import ConsRouteModel
import Foundation

/// `consroute-conformance [OUTPUT]`: writes the router conformance vectors (default `conformance/`).
///
/// Deterministic: the keys come from fixed seeds, Ed25519 signatures are deterministic, the tables have fixed
/// timestamps (valid ones expire in 2100) and the queries come from a seeded generator, so running it again
/// rewrites identical files. Every expectation is computed by an independent float64 reference here and then
/// checked against `DeviceRouter`; the generator stops with an error if the two disagree.
@main
enum ConformanceCommand {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.contains("-h") || arguments.contains("--help") {
            print("usage: consroute-conformance [OUTPUT_DIRECTORY]   (default: conformance)")
            return
        }
        let output = URL(fileURLWithPath: arguments.first ?? "conformance", isDirectory: true)
        let vectors = try ConformanceVectors()
        try vectors.write(to: output)
        print("wrote \(vectors.fileCount) files to \(output.path)")
    }
}
