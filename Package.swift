// swift-tools-version: 6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "consroute",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "consroute", targets: ["consroute"]),
        .executable(name: "consroute-bench", targets: ["consroute-bench"]),
        .library(name: "ConsRouteModel", targets: ["ConsRouteModel"]),
        .library(name: "ConsRouteRouter", targets: ["ConsRouteRouter"]),
        .library(name: "ConsRouteTuning", targets: ["ConsRouteTuning"]),
        .library(name: "ConsRouteStore", targets: ["ConsRouteStore"]),
        .library(name: "ConsRouteKafka", targets: ["ConsRouteKafka"]),
        .library(name: "ConsRouteSimulation", targets: ["ConsRouteSimulation"]),
        .library(name: "ConsRouteClient", targets: ["ConsRouteClient"]),
        // The device router for C, Python and any FFI: libconsroute_router.so with consroute_router.h.
        .library(name: "consroute_router", type: .dynamic, targets: ["ConsRouteRouterABI"]),
        .executable(name: "consroute-conformance", targets: ["consroute-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // The routing rule's nearest-centroid kernel: one C body compiled per SIMD path, chosen at run time.
        .target(name: "CConsRouteKernels"),
        // Pure values: wire types, tables, canonical JSON, signing, the routing rule. No I/O.
        .target(
            name: "ConsRouteModel",
            dependencies: [
                "CConsRouteKernels",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // What a device embeds: verification, decisions, persisted last-good table, acks, telemetry.
        .target(
            name: "ConsRouteRouter",
            dependencies: ["ConsRouteModel"],
            swiftSettings: swiftSettings
        ),
        // The C ABI's declarations (include/consroute_router.h), implemented by ConsRouteRouterABI.
        .target(name: "CConsRouteRouterABI"),
        // @_cdecl wrappers over DeviceRouter: the body of libconsroute_router. Linked with the Swift standard
        // library (and Foundation) statically, so the shared library needs no Swift runtime on the device.
        .target(
            name: "ConsRouteRouterABI",
            dependencies: ["CConsRouteRouterABI", "ConsRouteRouter", "ConsRouteModel"],
            swiftSettings: swiftSettings,
            linkerSettings: [
                .unsafeFlags(
                    [
                        // -static-stdlib links the runtime; the Foundation libraries it does not name are listed
                        // here, and --no-undefined makes a missing one a link error instead of a load-time one.
                        "-static-stdlib", "-lFoundation", "-lFoundationInternationalization",
                        "-lFoundationEssentials", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCollections",
                        "-l_FoundationCShims", "-lswiftSynchronization", "-lswiftDispatch", "-lswiftGlibc",
                        "-Xlinker", "--no-undefined",
                    ],
                    .when(platforms: [.linux])
                )
            ]
        ),
        // Writes the conformance vectors (conformance/): signed tables, queries, multi-turn cases, cohorts.
        .executableTarget(
            name: "consroute-conformance",
            dependencies: ["ConsRouteModel", "ConsRouteRouter"],
            swiftSettings: swiftSettings
        ),
        // Pure algorithms of the control loop: k-means, drift detectors, threshold optimisation.
        .target(
            name: "ConsRouteTuning",
            dependencies: ["ConsRouteModel"],
            swiftSettings: swiftSettings
        ),
        // librdkafka (Debian librdkafka-dev) as a C module; the shim wraps the variadic rd_kafka_producev.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Consumer, producer, admin and mock cluster as small value types; every rd_kafka_* call in RDKafka/.
        .target(
            name: "ConsRouteKafka",
            dependencies: ["CRdKafka"],
            swiftSettings: swiftSettings
        ),
        // SQLite history (WAL): tables, drift events, runs, window statistics, acks, consumer offsets.
        .target(
            name: "ConsRouteStore",
            dependencies: ["ConsRouteModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Child process of the store's crash-safety test: applies ingest batches in a loop until killed.
        .executableTarget(
            name: "store-crash-writer",
            dependencies: ["ConsRouteStore"],
            swiftSettings: swiftSettings
        ),
        // HTTP/1.1 client of the distribution API (tables, long-poll, SSE, admin) and the device subscription.
        .target(
            name: "ConsRouteClient",
            dependencies: [
                "ConsRouteModel", "ConsRouteRouter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Typed field access and a nesting limit over Yams nodes, for controller.yaml and the scenario files.
        .target(
            name: "ConsRouteYAML",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // One fleet's control loop as values, no I/O: the window, the pipeline (drift, triggers, tuning, guardrail,
        // canary comparison) and the fleet tuner. The controller runs it; the offline replay runs it too.
        .target(
            name: "ConsRouteLoop",
            dependencies: ["ConsRouteModel", "ConsRouteTuning", "CConsRouteKernels"],
            swiftSettings: swiftSettings
        ),
        // The service: ingestion, the control loop's services, publishing.
        .target(
            name: "ConsRouteController",
            dependencies: [
                "ConsRouteModel", "ConsRouteTuning", "ConsRouteLoop", "ConsRouteYAML", "ConsRouteStore",
                "ConsRouteKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Scenarios, the synthetic fleet generator, event files and the offline replay backtest.
        .target(
            name: "ConsRouteSimulation",
            dependencies: [
                "ConsRouteModel", "ConsRouteLoop", "ConsRouteYAML", "ConsRouteTuning",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The live simulator (`consroute simulate`, the demo): a fleet of simulated devices that route with the
        // device router, send telemetry to Kafka and follow tables over HTTP. Apart from the replay, so that a
        // replay links no broker client.
        .target(
            name: "ConsRouteLiveSimulation",
            dependencies: [
                "ConsRouteSimulation", "ConsRouteModel", "ConsRouteTuning", "ConsRouteRouter", "ConsRouteClient",
                "ConsRouteKafka",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "consroute",
            dependencies: [
                "ConsRouteModel",
                "ConsRouteRouter",
                "ConsRouteTuning",
                "ConsRouteController", "ConsRouteLoop",
                "ConsRouteKafka",
                "ConsRouteStore",
                "ConsRouteSimulation", "ConsRouteLiveSimulation",
                "ConsRouteClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Counts heap allocations per thread by defining malloc & co. in the benchmark executable.
        .target(name: "CBenchMallocCounter"),
        .executableTarget(
            name: "consroute-bench",
            dependencies: [
                "CBenchMallocCounter",
                "ConsRouteModel",
                "ConsRouteRouter",
                "ConsRouteTuning",
                "ConsRouteController", "ConsRouteLoop",
                "ConsRouteSimulation",
                "ConsRouteClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteModelTests",
            dependencies: [
                "ConsRouteModel", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteRouterTests",
            dependencies: ["ConsRouteRouter", "ConsRouteModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteControllerTests",
            dependencies: [
                "ConsRouteTestSupport", "ConsRouteController", "ConsRouteLoop", "ConsRouteModel", "ConsRouteTuning",
                "ConsRouteStore",
                "ConsRouteKafka", "ConsRouteClient", "KafkaTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers every test target may use: temporary directories, deadlines, signed example tables, off-pool work.
        .target(
            name: "ConsRouteTestSupport",
            dependencies: ["ConsRouteModel"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // Kafka test scenarios shared by the mock-cluster unit tests and the real-broker integration tests.
        .target(
            name: "KafkaTestSupport",
            dependencies: [
                "ConsRouteTestSupport", "ConsRouteKafka", "ConsRouteModel", "ConsRouteTuning", "ConsRouteController",
                "ConsRouteLoop",
                "ConsRouteStore",
                "ConsRouteClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/KafkaTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteKafkaTests",
            dependencies: ["ConsRouteKafka", "KafkaTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Real-broker and multi-process tests; scripts/integration-tests.sh starts Tansu and runs them.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ConsRouteKafka", "KafkaTestSupport", "ConsRouteModel", "ConsRouteStore", "ConsRouteTuning",
                "ConsRouteController", "ConsRouteLoop",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteStoreTests",
            dependencies: [
                "ConsRouteTestSupport", "ConsRouteStore", "ConsRouteModel",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteSimulationTests",
            dependencies: [
                "ConsRouteSimulation", "ConsRouteLiveSimulation", "ConsRouteController", "ConsRouteLoop",
                "ConsRouteModel", "ConsRouteTuning", "ConsRouteTestSupport",
                "ConsRouteRouter",
                "ConsRouteClient", "ConsRouteKafka", "KafkaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteClientTests",
            dependencies: [
                "ConsRouteTestSupport", "ConsRouteClient", "ConsRouteController", "ConsRouteLoop", "ConsRouteModel",
                "ConsRouteRouter",
                "ConsRouteTuning",
                "KafkaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsRouteTuningTests",
            dependencies: ["ConsRouteTestSupport", "ConsRouteTuning", "ConsRouteModel"],
            swiftSettings: swiftSettings
        ),
        // The CLI: `consroute history` parsing and formatting (imported), the built binary run as a user would,
        // and scripts/check-dashboards.py against the dashboards and a real Prometheus.
        .testTarget(
            name: "ConsRouteCLITests",
            dependencies: ["ConsRouteTestSupport", "consroute", "ConsRouteStore", "ConsRouteModel", "ConsRouteTuning"],
            swiftSettings: swiftSettings
        ),
    ]
)
