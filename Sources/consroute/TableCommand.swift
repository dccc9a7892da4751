import ArgumentParser
import ConsRouteModel
import ConsRouteTuning
import Foundation

/// `consroute table`: inspect, verify and compare signed tables.
struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Inspect, verify and compare signed threshold tables.",
        subcommands: [Show.self, Verify.self, Diff.self, Example.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a signed table's content.")

        @Argument(help: "A signed table envelope (JSON).")
        var file: String

        @Flag(name: .long, help: "Print the table as canonical JSON instead of text.")
        var json = false

        func run() throws {
            let signed = try Files.signedTable(file)
            if json {
                print(String(decoding: signed.signedBytes, as: UTF8.self))
                return
            }
            let table = signed.table
            print(
                """
                fleet \(table.fleet)  version \(table.version)  parent \(table.parentVersion)  key \(signed.keyID)
                created \(TimeText.utc(table.createdAtMs))  expires \(TimeText.utc(table.expiresAtMs))
                fingerprint \(table.fingerprint)
                rollout \(table.rollout.stage.rawValue)\(table.rollout.stage == .canary ? " \(table.rollout.percent)% salt \(table.rollout.salt)" : "")
                expected quality ratio \(format(table.expected.qualityRatio))  latency ratio \(format(table.expected.latencyRatio))  \
                cost ratio \(format(table.expected.costRatio))  shares device/edge/cloud \(table.expected.shares.map(format).joined(separator: "/"))
                provenance trigger \(table.provenance.trigger)  optimiser run \(table.provenance.optimiserRunID.isEmpty ? "-" : table.provenance.optimiserRunID)  \
                window \(table.provenance.windowEvents) events (\(table.provenance.windowShadow) shadow)
                novel t_device \(format(table.novel.device))  t_edge \(format(table.novel.edge))
                """
            )
            print("cluster  t_device  t_edge  radius2")
            for cluster in table.clusters {
                print(
                    "\(pad(String(cluster.id), 7))  \(pad(format(cluster.thresholds.device), 8))  "
                        + "\(pad(format(cluster.thresholds.edge), 6))  \(format(cluster.radius2))"
                )
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a signed table as a router would: key id, signature, expiry and, if given, fingerprint.",
            discussion: """
                Exit code 0 if the table verifies, 1 with the reason if it does not (an unknown key, a bad \
                signature, a table that has expired, a fingerprint that differs), 64 for a wrong command line.
                """
        )

        @Argument(help: "A signed table envelope (JSON).")
        var file: String

        @Option(name: .customLong("public-key"), help: "A pinned public key file (repeat for several).")
        var publicKeys: [String]

        @Option(
            name: .long,
            help: "Expected fingerprint as MODEL/DIM/RERANKER/TEMPLATE (the model may contain '/'; DIM may be d=DIM)."
        )
        var fingerprint: String?

        func validate() throws {
            guard !publicKeys.isEmpty else { throw ValidationError("pass at least one --public-key") }
            if let fingerprint { _ = try Self.parseFingerprint(fingerprint) }
        }

        func run() throws {
            let signed = try Files.signedTable(file)
            do {
                try signed.verifySignature(trusting: try Files.verifyingKeys(publicKeys))
            } catch let error as SignatureError {
                throw CommandFailure("\(file): \(error)")
            }
            let nowMs = WallClock.nowMs()
            if signed.table.isExpired(atMs: nowMs) {
                throw CommandFailure(
                    "\(file): the table expired at \(TimeText.utc(signed.table.expiresAtMs)); a router treats it as stale"
                )
            }
            if let fingerprint, try Self.parseFingerprint(fingerprint) != signed.table.fingerprint {
                throw CommandFailure(
                    "\(file): fingerprint \(signed.table.fingerprint) differs from the expected \(fingerprint)"
                )
            }
            print("ok: fleet \(signed.table.fleet) version \(signed.table.version) signed by \(signed.keyID)")
        }

        /// `MODEL/DIM/RERANKER/TEMPLATE` (also `MODEL/d=DIM/...`, as tables print it): the last two components are
        /// the reranker and the template, the one before them the dimension, everything before that the model.
        static func parseFingerprint(_ text: String) throws -> Fingerprint {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let usage = "--fingerprint must be MODEL/DIM/RERANKER/TEMPLATE with DIM a positive integer, got \(text)"
            guard parts.count >= 4 else { throw ValidationError(usage) }
            let dimensionText = parts[parts.count - 3]
            let digits = dimensionText.hasPrefix("d=") ? String(dimensionText.dropFirst(2)) : dimensionText
            guard let dimension = Int(digits), dimension >= 1 else { throw ValidationError(usage) }
            let model = parts[..<(parts.count - 3)].joined(separator: "/")
            let (reranker, template) = (parts[parts.count - 2], parts[parts.count - 1])
            guard !model.isEmpty, !reranker.isEmpty, !template.isEmpty else { throw ValidationError(usage) }
            return Fingerprint(
                representationModel: model,
                representationDim: dimension,
                reranker: reranker,
                promptTemplate: template
            )
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what changed between two signed tables.")

        @Argument(help: "The older table.")
        var old: String

        @Argument(help: "The newer table.")
        var new: String

        func run() throws {
            let before = try Files.signedTable(old).table
            let after = try Files.signedTable(new).table
            for line in TableDiff(before: before, after: after).lines { print(line) }
        }
    }

    struct Example: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a signed example table (random centroids), for trying routers and tools."
        )

        @Option(name: .long, help: "Private key file from `consroute keygen`.")
        var key: String

        @Option(name: .long, help: "Output file.")
        var out: String

        @Option(name: .long, help: "Fleet name.")
        var fleet = "example"

        @Option(name: .long, help: "Table version.")
        var version: UInt64 = 1

        @Option(name: .long, help: "Representation dimension.")
        var dimension = 64

        @Option(name: .long, help: "Number of clusters.")
        var clusters = 16

        @Option(name: .long, help: "Random seed for the centroids.")
        var seed: UInt64 = 1

        @Flag(name: .long, help: "Overwrite the output file.")
        var force = false

        func validate() throws {
            guard dimension >= 1, clusters >= 1, version >= 1 else {
                throw ValidationError("--dimension, --clusters and --version must be at least 1")
            }
        }

        func run() throws {
            var generator = SeededGenerator(seed: seed)
            let table = ThresholdTable.example(
                fleet: fleet,
                version: version,
                dimension: dimension,
                clusterCount: clusters,
                createdAtMs: WallClock.nowMs(),
                using: &generator
            )
            let signed = try SignedTable(signing: table, with: Files.signingKey(key))
            try Files.write(signed.envelopeBytes(), to: out, overwrite: force)
            print(
                "wrote \(out): fleet \(fleet) version \(version), \(clusters) clusters, d=\(dimension), key \(signed.keyID)"
            )
        }
    }
}

func format(_ value: Double) -> String { String(format: "%.4g", value) }
func format(_ value: Float) -> String { String(format: "%.4g", Double(value)) }
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
