import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Foundation
import Testing

@testable import ConsRouteLoop

@Suite("Controller configuration")
struct ControllerConfigurationTests {
    static let minimal = """
        fleets:
          - name: phones
            dimension: 8
            fingerprint: {representation_model: m, reranker: r, prompt_template: p}
        """

    static func load(_ yaml: String, environment: [String: String] = [:]) throws(ConfigurationError)
        -> ControllerConfiguration
    {
        try ControllerConfiguration.load(yaml: yaml, file: "test.yaml", environment: environment)
    }

    static func message(_ yaml: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("the shipped config/controller.yaml loads and states exactly the built-in defaults")
    func shippedFileStatesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../config/controller.yaml"
        )
        .standardized.path
        let shipped = try ControllerConfiguration.load(path: path, environment: [:])
        let yaml = """
            http: {admin_token_file: admin.token}
            fleets:
              - name: drift-demo
                dimension: 64
                fingerprint: {representation_model: synthetic/drift-demo, reranker: synthetic, prompt_template: synthetic}
            """
        let defaults = try Self.load(yaml)
        #expect(shipped.broker == defaults.broker)
        #expect(shipped.topics == defaults.topics)
        #expect(shipped.ingest == defaults.ingest)
        #expect(shipped.http == defaults.http)
        #expect(shipped.history == defaults.history)
        #expect(shipped.signingKeyFile == defaults.signingKeyFile)
        #expect(shipped.tickMs == defaults.tickMs)
        let (file, code) = (shipped.fleets[0], defaults.fleets[0])
        #expect(file.metadata.fingerprint == code.metadata.fingerprint)
        #expect(file.metadata.lifetimeMs == code.metadata.lifetimeMs)
        #expect(file.metadata.reprefillMsPer1kTokens == code.metadata.reprefillMsPer1kTokens)
        #expect(file.objective == code.objective)
        #expect(file.tuner.clusterCountRange == code.tuner.clusterCountRange)
        #expect(file.tuner.samplesPerCluster == code.tuner.samplesPerCluster)
        #expect(file.tuner.novelThresholds == code.tuner.novelThresholds)
        #expect(file.tuner.alpha == code.tuner.alpha && file.tuner.bound == code.tuner.bound)
        #expect(file.tuner.failuresAllowed == code.tuner.failuresAllowed)
        #expect(file.tuner.preMixChangeWeight == code.tuner.preMixChangeWeight)
        #expect(
            file.tuner.holdoutFraction == code.tuner.holdoutFraction && file.tuner.constraint == code.tuner.constraint
        )
        #expect(file.drift == code.drift)
        #expect(file.rollout == code.rollout)
        #expect(file.reservoirCapacity == code.reservoirCapacity)
        #expect(file.debounceMs == code.debounceMs && file.scheduleMs == code.scheduleMs)
        #expect(file.dataGrowthFraction == code.dataGrowthFraction)
    }

    @Test("a minimal file gets the documented defaults")
    func minimalDefaults() throws {
        let configuration = try Self.load(Self.minimal)
        #expect(configuration.broker.isEmbedded)
        #expect(configuration.http.port == 8080)
        #expect(configuration.topics.telemetry == "consroute.telemetry")
        #expect(configuration.fleets.count == 1)
        #expect(configuration.fleets[0].metadata.fingerprint.representationDim == 8)
        #expect(configuration.fleets[0].objective.qualityMin == 0.95)
        #expect(configuration.fleets[0].debounceMs == 30_000)
        #expect(configuration.fleets[0].rollout == CanaryRolloutSettings())
        #expect(!configuration.fleets[0].rollout.isEnabled)
    }

    @Test("the optimiser's bound and failures allowed are selectable; the defaults are the normal bound and 1")
    func boundSetting() throws {
        let defaults = try Self.load(Self.minimal).fleets[0].tuner
        #expect(defaults.bound == .normal && defaults.failuresAllowed == 1)
        let set = try Self.load(Self.minimal + "\n    optimiser: {bound: empirical_bernstein, failures_allowed: 0}")
            .fleets[0].tuner
        #expect(set.bound == .empiricalBernstein && set.failuresAllowed == 0)
    }

    @Test("loop.data_growth_fraction paces the data-growth re-tune; out of range names the key")
    func dataGrowthFraction() throws {
        #expect(try Self.load(Self.minimal).fleets[0].dataGrowthFraction == 0.25)
        #expect(try Self.load(Self.minimal + "\n    loop: {data_growth_fraction: 1}").fleets[0].dataGrowthFraction == 1)
        #expect {
            try Self.load(Self.minimal + "\n    loop: {data_growth_fraction: 0}")
        } throws: { "\($0)".contains("data_growth_fraction") }
    }

    @Test("optimiser.pre_mix_change_weight is 1 by default, read when given, and out of range names the key")
    func preMixChangeWeight() throws {
        #expect(try Self.load(Self.minimal).fleets[0].tuner.preMixChangeWeight == 1)
        let set = try Self.load(Self.minimal + "\n    optimiser: {pre_mix_change_weight: 0.1}").fleets[0]
        #expect(set.tuner.preMixChangeWeight == 0.1)
        #expect {
            try Self.load(Self.minimal + "\n    optimiser: {pre_mix_change_weight: 0}")
        } throws: { "\($0)".contains("pre_mix_change_weight") }
    }

    @Test(
        "optimiser.cross_fit is auto (cross-fitted when the split's bound is wider than 0.02), window_events 2000 and hold_recent_samples on by default; each read when given; a bad value names the key"
    )
    func crossFitAndWindowEvents() throws {
        func optimiser(_ entries: String) throws -> FleetTunerSettings {
            try Self.load(Self.minimal + "\n    optimiser: {\(entries)}").fleets[0].tuner
        }
        /// The error `entries` are refused with ("" when they load).
        func refusal(_ entries: String) -> String {
            do {
                _ = try optimiser(entries)
                return ""
            } catch { return "\(error)" }
        }
        let defaults = try Self.load(Self.minimal).fleets[0].tuner
        #expect(defaults.crossFitting == .whenBoundWiderThan(0.02) && defaults.windowEvents == 2_000)
        let set = try optimiser("cross_fit: true, window_events: 4000")
        #expect(set.crossFitting == .always && set.windowEvents == 4_000)
        #expect(try optimiser("cross_fit: false").crossFitting == .never)
        #expect(try optimiser("cross_fit: auto, cross_fit_width: 0.03").crossFitting == .whenBoundWiderThan(0.03))
        #expect(try optimiser("window_events: 0").windowEvents == nil)
        #expect(defaults.holdsRecentSamples)
        #expect(try !optimiser("hold_recent_samples: false").holdsRecentSamples)
        #expect(refusal("hold_recent_samples: sometimes").contains("hold_recent_samples"))
        #expect(refusal("window_events: -1").contains("window_events"))
        let crossFit = refusal("cross_fit: sometimes")
        #expect(crossFit.contains("cross_fit") && crossFit.contains("auto, true or false"))
        #expect(
            refusal("cross_fit: false, cross_fit_width: 0.02")
                .contains("cross_fit_width applies only with cross_fit: auto")
        )
        #expect(refusal("cross_fit_width: 2").contains("cross_fit_width"))
    }

    @Test("optimiser.grid is fitted by default, uniform when asked, and anything else names the key and the choices")
    func thresholdGrid() throws {
        #expect(try Self.load(Self.minimal).fleets[0].tuner.grid == .fitted)
        let uniform = try Self.load(Self.minimal + "\n    optimiser: {grid: uniform}").fleets[0].tuner
        #expect(uniform.grid == .uniform && uniform.grid.fixedGrid == .w3)
        #expect(GridPlacement.fitted.fixedGrid == nil)
        do {
            _ = try Self.load(Self.minimal + "\n    optimiser: {grid: quantile}")
            Issue.record("grid: quantile loaded")
        } catch {
            #expect("\(error)".contains("grid") && "\(error)".contains("fitted, uniform"))
        }
    }

    @Test("broker.table_fencing is transactions by default, none when asked, and anything else names the key")
    func tableFencing() throws {
        #expect(try Self.load(Self.minimal).broker.tableFencing == .transactions)
        #expect(
            try Self.load("broker: {table_fencing: none}\n" + Self.minimal).broker.tableFencing
                == ControllerConfiguration.TableFencing.none
        )
        let message = try #require(Self.message("broker: {table_fencing: zookeeper}\n" + Self.minimal))
        #expect(message.contains("table_fencing") && message.contains("transactions"), "\(message)")
    }

    @Test("an inline admin token next to the shipped admin_token_file is accepted and wins")
    func inlineAdminTokenWins() throws {
        let inline = try Self.load(
            "http: {admin_token: 0123456789abcdef01, admin_token_file: admin.token}\n" + Self.minimal
        )
        #expect(inline.http.adminToken == "0123456789abcdef01" && inline.http.adminTokenFile == "admin.token")
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../config/controller.yaml").standardized.path
        let shipped = try ControllerConfiguration.load(
            path: path,
            environment: ["CONSROUTE_HTTP_ADMIN_TOKEN": "fedcba9876543210fe"]
        )
        #expect(shipped.http.adminToken == "fedcba9876543210fe" && shipped.http.adminTokenFile == "admin.token")
    }

    @Test("a rollout section sets the canary share and the sequential test")
    func rolloutSection() throws {
        let configuration = try Self.load(
            Self.minimal
                + "\n    rollout: {canary_percent: 5, min_samples: 2000, max_duration_s: 7200, alpha: 0.01, margin: 0.02}"
        )
        let rollout = configuration.fleets[0].rollout
        #expect(rollout.isEnabled && rollout.canaryPercent == 5 && rollout.minimumSamples == 2_000)
        #expect(rollout.maximumDurationMs == 7_200_000 && rollout.alpha == 0.01 && rollout.margin == 0.02)
    }

    @Test("environment variables override scalar keys and are named in their errors")
    func environmentOverrides() throws {
        let configuration = try Self.load(
            Self.minimal,
            environment: [
                "CONSROUTE_HTTP_PORT": "9090", "CONSROUTE_BROKER_BOOTSTRAP_SERVERS": "a:9092, b:9092",
                "CONSROUTE_HISTORY_PATH": "/tmp/h.sqlite", "UNRELATED": "x",
            ]
        )
        #expect(configuration.http.port == 9090)
        #expect(configuration.broker.bootstrapServers == ["a:9092", "b:9092"])
        #expect(configuration.history.path == "/tmp/h.sqlite")
        let message = Self.message(Self.minimal, environment: ["CONSROUTE_HTTP_PORT": "eighty"])
        #expect(message == "$CONSROUTE_HTTP_PORT: http.port: expected a whole number in 0...65535")
    }

    @Test("every bad value is one message naming the file, line and key")
    func errorsNameTheKey() {
        let cases: [(String, String)] = [
            ("http:\n  prot: 80\n" + Self.minimal, "test.yaml:2: http.prot: unknown key"),
            ("http:\n  port: 70000\n" + Self.minimal, "test.yaml:2: http.port: expected a whole number in 0...65535"),
            (
                "broker:\n  bootstrap_servers: kafka\n" + Self.minimal,
                "broker.bootstrap_servers: kafka is not host:port"
            ),
            ("loop: {tick_ms: 1}\n" + Self.minimal, "loop.tick_ms: expected a whole number in 10...600000"),
            ("http: {port: 1}", "fleets is missing"),
            ("fleets: []", "fleets: expected at least one fleet"),
            (
                Self.minimal + "\n    clusters: {k_min: 9, k_max: 3}",
                "fleets[0].clusters: k_min (9) must not exceed k_max (3)"
            ),
            (
                Self.minimal + "\n    optimiser: {engine: annealing}",
                "fleets[0].optimiser.engine: unknown engine annealing"
            ),
            (
                Self.minimal + "\n    optimiser: {bound: hoeffding}",
                "fleets[0].optimiser.bound: unknown bound hoeffding (known: empirical_bernstein, normal)"
            ),
            (
                Self.minimal + "\n    objective: {q_min: 1.5}",
                "fleets[0].objective.q_min: expected a number in 0.0...1.0"
            ),
            (
                Self.minimal + "\n" + Self.minimal.split(separator: "\n").dropFirst().joined(separator: "\n"),
                "fleet phones is configured twice"
            ),
            (
                "fleets:\n  - name: phones\n    dimension: 8\n",
                "test.yaml:2: fleets[0].fingerprint: required key is missing"
            ),
            ("fleets: [\n", "test.yaml:"),
            (
                "http: {admin_token: short}\n" + Self.minimal,
                "http.admin_token: an admin token needs at least 16 characters"
            ),
            (
                Self.minimal + "\n    rollout: {canary_percent: 120}",
                "fleets[0].rollout.canary_percent: expected a number in 0.0...100.0"
            ),
            (
                Self.minimal + "\n    rollout: {canary_percent: 100}",
                "fleets[0].rollout.canary_percent: a canary for every device"
            ),
            (Self.minimal + "\n    rollout: {alpha: 0.9}", "fleets[0].rollout.alpha: expected a number in 1e-09...0.5"),
            (
                Self.minimal + "\n    rollout: {min_samples: 1}",
                "fleets[0].rollout.min_samples: expected a whole number in 2...100000000"
            ),
            (
                Self.minimal + "\n    rollout: {margin: -0.1}",
                "fleets[0].rollout.margin: expected a number in 0.0...1.0"
            ),
            (
                Self.minimal + "\n    rollout: {max_duration_s: 0}",
                "fleets[0].rollout.max_duration_s: expected a number in 1.0...31536000.0"
            ),
            (Self.minimal + "\n    rollout: {percent: 5}", "fleets[0].rollout.percent: unknown key"),
        ]
        for (yaml, expected) in cases {
            let message = Self.message(yaml)
            #expect(message?.contains(expected) == true, "\(yaml) → \(message ?? "no error")")
            #expect(message?.contains("\n") == false)
        }
    }

    @Test("a missing file names the path")
    func missingFile() {
        #expect(throws: ConfigurationError.self) {
            try ControllerConfiguration.load(path: "/nonexistent/controller.yaml", environment: [:])
        }
    }
}
