import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
import ConsRouteYAML

extension ConfigurationReader {
    private static let fleetKeys: Set<String> = [
        "name", "dimension", "fingerprint", "objective", "table_lifetime_s", "reprefill_ms_per_1k_tokens", "clusters",
        "optimiser", "window", "loop", "drift", "rollout",
    ]

    /// One entry of `fleets`.
    func fleet(_ entry: Field) throws(ConfigurationError) -> FleetPipelineSettings {
        let fleet = try entry.mapping(allowed: Self.fleetKeys)
        let name = try fleet.required("name").string()
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw try fleet.required("name").invalid("use letters, digits, '-', '_' and '.' only (it is part of URLs)")
        }
        let dimension = try fleet.required("dimension").int(in: 1...65_536, "a dimension between 1 and 65536")
        let print = try fleet.required("fingerprint").mapping(allowed: [
            "representation_model", "reranker", "prompt_template",
        ])
        let fingerprint = Fingerprint(
            representationModel: try print.required("representation_model").string(),
            representationDim: dimension,
            reranker: try print.required("reranker").string(),
            promptTemplate: try print.required("prompt_template").string()
        )

        let objective = try section(fleet, "objective", allowed: ["lambda_latency", "lambda_cost", "q_min", "penalty"])
        var weights = ObjectiveWeights.standard
        weights.lambdaLatency = try double(objective, "lambda_latency", default: 0.3, in: 0...100)
        weights.lambdaCost = try double(objective, "lambda_cost", default: 0.3, in: 0...100)
        weights.qualityMin = try double(objective, "q_min", default: 0.95, in: 0...1)
        weights.penalty = try double(objective, "penalty", default: 10, in: 0...1_000_000)

        let reprefill = try section(fleet, "reprefill_ms_per_1k_tokens", allowed: ["device", "edge", "cloud"])
        let metadata = FleetTableMetadata(
            fleet: name,
            fingerprint: fingerprint,
            lifetimeMs: try milliseconds(fleet, "table_lifetime_s", defaultSeconds: 86_400, in: 1...31_536_000),
            reprefillMsPer1kTokens: [
                Float(try double(reprefill, "device", default: 150, in: 0...1_000_000)),
                Float(try double(reprefill, "edge", default: 40, in: 0...1_000_000)),
                Float(try double(reprefill, "cloud", default: 20, in: 0...1_000_000)),
            ],
            controllerVersion: ControllerConfiguration.controllerVersion
        )
        var settings = FleetPipelineSettings(metadata: metadata, objective: weights)
        try readClusters(fleet, into: &settings.tuner)
        try readOptimiser(fleet, into: &settings.tuner)
        try readWindow(fleet, into: &settings)
        try readDrift(fleet, into: &settings.drift)
        try readRollout(fleet, into: &settings.rollout)
        return settings
    }

    private func readClusters(_ fleet: Mapping, into tuner: inout FleetTunerSettings) throws(ConfigurationError) {
        let clusters = try section(fleet, "clusters", allowed: ["k_min", "k_max", "radius_quantile"])
        let low = try int(clusters, "k_min", default: tuner.clusterCountRange.lowerBound, in: 1...4_096)
        let high = try int(clusters, "k_max", default: tuner.clusterCountRange.upperBound, in: 1...4_096)
        guard low <= high else { throw clusters.field.invalid("k_min (\(low)) must not exceed k_max (\(high))") }
        tuner.clusterCountRange = low...high
        tuner.radiusQuantile = try double(clusters, "radius_quantile", default: tuner.radiusQuantile, in: 0.5...1)
    }

    private func readOptimiser(_ fleet: Mapping, into tuner: inout FleetTunerSettings) throws(ConfigurationError) {
        let optimiser = try section(
            fleet,
            "optimiser",
            allowed: [
                "engine", "constraint", "alpha", "bound", "failures_allowed", "holdout_fraction", "samples_per_cluster",
                "min_shadow_samples",
                "mix_events", "change_lookback_s", "max_threshold_step", "shrinkage_prior_samples", "novel_t_device",
                "novel_t_edge", "quality_safety_margin", "pre_mix_change_weight", "cross_fit", "cross_fit_width",
                "window_events", "hold_recent_samples", "grid",
            ]
        )
        if let engine = value(optimiser, "engine") {
            switch try engine.string() {
            case "sweep": tuner.engine = .sweep
            case "bayesian": tuner.engine = .bayesian
            case let other: throw engine.invalid("unknown engine \(other) (known: sweep, bayesian)")
            }
        }
        tuner.grid = try choice(optimiser, "grid", default: tuner.grid)
        tuner.samplesPerCluster = try int(
            optimiser,
            "samples_per_cluster",
            default: tuner.samplesPerCluster,
            in: 10...1_000_000
        )
        tuner.minimumShadowSamples = try int(
            optimiser,
            "min_shadow_samples",
            default: tuner.minimumShadowSamples,
            in: 1...10_000_000
        )
        tuner.maxThresholdStep = Float(
            try double(optimiser, "max_threshold_step", default: Double(tuner.maxThresholdStep), in: 0...1)
        )
        if let margin = value(optimiser, "quality_safety_margin") {
            throw margin.invalid(
                "quality_safety_margin was replaced by alpha: thresholds are now chosen so that a lower confidence "
                    + "bound of the fleet's quality ratio clears q_min with probability 1 - alpha; remove the key"
            )
        }
        if let constraint = value(optimiser, "constraint") {
            switch try constraint.string() {
            case "fleet": tuner.constraint = .fleet
            case "cluster": tuner.constraint = .cluster
            case let other: throw constraint.invalid("unknown constraint \(other) (known: fleet, cluster)")
            }
        }
        tuner.alpha = try double(optimiser, "alpha", default: tuner.alpha, in: 0.001...0.5)
        tuner.bound = try choice(optimiser, "bound", default: tuner.bound)
        tuner.failuresAllowed = try int(optimiser, "failures_allowed", default: tuner.failuresAllowed, in: 0...100)
        tuner.holdoutFraction = try double(optimiser, "holdout_fraction", default: tuner.holdoutFraction, in: 0.1...0.9)
        tuner.mixEvents = try int(optimiser, "mix_events", default: tuner.mixEvents, in: 1...10_000_000)
        tuner.preMixChangeWeight = try double(
            optimiser,
            "pre_mix_change_weight",
            default: tuner.preMixChangeWeight,
            in: 0.01...1
        )
        if let crossFit = value(optimiser, "cross_fit") {
            if (try? crossFit.string()) == "auto" {
                tuner.crossFitting = .whenBoundWiderThan(CrossFitting.defaultWidth)
            } else if let always = try? crossFit.bool() {
                tuner.crossFitting = always ? .always : .never
            } else {
                throw crossFit.invalid("expected auto, true or false")
            }
        }
        if case .whenBoundWiderThan = tuner.crossFitting {
            let width = try double(optimiser, "cross_fit_width", default: CrossFitting.defaultWidth, in: 0...1)
            tuner.crossFitting = .whenBoundWiderThan(width)
        } else if let width = value(optimiser, "cross_fit_width") {
            throw width.invalid("cross_fit_width applies only with cross_fit: auto")
        }
        if let hold = value(optimiser, "hold_recent_samples") { tuner.holdsRecentSamples = try hold.bool() }
        let windowEvents = try int(optimiser, "window_events", default: tuner.windowEvents ?? 0, in: 0...10_000_000)
        tuner.windowEvents = windowEvents > 0 ? windowEvents : nil
        tuner.changeLookbackMs = try milliseconds(optimiser, "change_lookback_s", defaultSeconds: 60, in: 0...86_400)
        if let shrinkage = value(optimiser, "shrinkage_prior_samples") {
            if (try? shrinkage.string()) == "auto" {
                tuner.shrinkage = .empiricalBayes
            } else {
                tuner.shrinkage = .fixed(
                    try shrinkage.double(in: 0...1_000_000, "\"auto\" or a number of pseudo-samples in 0...1000000")
                )
            }
        }
        tuner.novelThresholds = ThresholdPair(
            device: Float(
                try double(optimiser, "novel_t_device", default: Double(tuner.novelThresholds.device), in: 0...1)
            ),
            edge: Float(try double(optimiser, "novel_t_edge", default: Double(tuner.novelThresholds.edge), in: 0...1))
        )
    }

    private func readWindow(_ fleet: Mapping, into settings: inout FleetPipelineSettings) throws(ConfigurationError) {
        let window = try section(fleet, "window", allowed: ["representations", "shadow_samples"])
        settings.reservoirCapacity = try int(
            window,
            "representations",
            default: settings.reservoirCapacity,
            in: 100...50_000_000
        )
        settings.shadowCapacity = try int(
            window,
            "shadow_samples",
            default: settings.shadowCapacity,
            in: 100...50_000_000
        )
        let loop = try section(
            fleet,
            "loop",
            allowed: [
                "bootstrap_events", "debounce_s", "minimum_interval_s", "schedule_s", "retune_on_data_growth",
                "data_growth_fraction",
            ]
        )
        settings.bootstrapEvents = try int(
            loop,
            "bootstrap_events",
            default: settings.bootstrapEvents,
            in: 1...100_000_000
        )
        settings.debounceMs = try milliseconds(loop, "debounce_s", defaultSeconds: 30, in: 0...86_400)
        settings.minimumIntervalMs = try milliseconds(loop, "minimum_interval_s", defaultSeconds: 60, in: 0...86_400)
        let schedule = try milliseconds(loop, "schedule_s", defaultSeconds: 3_600, in: 0...31_536_000)
        settings.scheduleMs = schedule > 0 ? schedule : nil
        if let growth = value(loop, "retune_on_data_growth") { settings.retuneOnDataGrowth = try growth.bool() }
        settings.dataGrowthFraction = try double(
            loop,
            "data_growth_fraction",
            default: settings.dataGrowthFraction,
            in: 0.01...100
        )
        let dimension = settings.metadata.fingerprint.representationDim
        let bytes = RepresentationReservoir.memoryBytes(dimension: dimension, capacity: settings.reservoirCapacity)
        guard bytes <= RepresentationReservoir.memoryBudgetBytes else {
            let fits = RepresentationReservoir.capacity(
                fitting: RepresentationReservoir.memoryBudgetBytes,
                dimension: dimension
            )
            throw window.field.invalid(
                "representations: \(settings.reservoirCapacity) representations of dimension \(dimension) take "
                    + "\(bytes / 1_048_576) MiB, over the budget of a quarter of this machine's memory "
                    + "(\(RepresentationReservoir.memoryBudgetBytes / 1_048_576) MiB); at most \(fits) fit"
            )
        }
        guard settings.tuner.minimumPointsToCluster <= settings.reservoirCapacity else {
            throw window.field.invalid(
                "representations must hold at least \(settings.tuner.minimumPointsToCluster) points to re-cluster"
            )
        }
    }

    private func readDrift(_ fleet: Mapping, into drift: inout FleetDriftMonitor.Configuration)
        throws(ConfigurationError)
    {
        let section = try section(
            fleet,
            "drift",
            allowed: [
                "occupancy_false_alarms_per_million", "occupancy_check_interval", "occupancy_min_reference",
                "novelty_delta", "outcome_delta", "latency_threshold", "cost_threshold",
            ]
        )
        drift.occupancy.falseAlarmsPerMillionEvents = try double(
            section,
            "occupancy_false_alarms_per_million",
            default: drift.occupancy.falseAlarmsPerMillionEvents,
            in: 1e-9...1_000_000
        )
        drift.occupancy.checkInterval = try int(
            section,
            "occupancy_check_interval",
            default: drift.occupancy.checkInterval,
            in: 1...10_000_000
        )
        drift.occupancy.minimumReferenceCount = try int(
            section,
            "occupancy_min_reference",
            default: drift.occupancy.minimumReferenceCount,
            in: 1...100_000_000
        )
        drift.novelty.delta = try double(section, "novelty_delta", default: drift.novelty.delta, in: 1e-12...0.5)
        drift.outcome.delta = try double(section, "outcome_delta", default: drift.outcome.delta, in: 1e-12...0.5)
        drift.latency.threshold = try double(
            section,
            "latency_threshold",
            default: drift.latency.threshold,
            in: 0.001...1e9
        )
        drift.cost.threshold = try double(section, "cost_threshold", default: drift.cost.threshold, in: 0.001...1e9)
        do {
            try drift.validate()
        } catch {
            throw section.field.invalid("\(error)")
        }
    }
}
