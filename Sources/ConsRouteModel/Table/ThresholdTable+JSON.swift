extension ThresholdTable {
    /// The table as a JSON tree with the wire field names; canonical bytes come from `canonicalBytes()`.
    ///
    /// - Throws: `TableFormatError` if the table breaks an invariant (see `validate()`).
    public func jsonValue() throws(TableFormatError) -> JSONValue {
        try validate()
        return .object([
            "fleet": .string(fleet),
            "version": JSONValue(integer: version),
            "parent_version": JSONValue(integer: parentVersion),
            "created_at": JSONValue(integer: createdAtMs),
            "expires_at": JSONValue(integer: expiresAtMs),
            "fingerprint": .object([
                "representation_model": .string(fingerprint.representationModel),
                "representation_dim": JSONValue(integer: fingerprint.representationDim),
                "reranker": .string(fingerprint.reranker),
                "prompt_template": .string(fingerprint.promptTemplate),
            ]),
            "clusters": .array(
                clusters.map { cluster in
                    .object([
                        "id": JSONValue(integer: cluster.id),
                        "centroid": .array(cluster.centroid.map(JSONValue.init)),
                        "radius2": JSONValue(cluster.radius2),
                        "t_device": JSONValue(cluster.thresholds.device),
                        "t_edge": JSONValue(cluster.thresholds.edge),
                    ])
                }
            ),
            "novel": .object(["t_device": JSONValue(novel.device), "t_edge": JSONValue(novel.edge)]),
            "objective": .object([
                "lambda_latency": JSONValue(objective.lambdaLatency),
                "lambda_cost": JSONValue(objective.lambdaCost),
                "q_min": JSONValue(objective.qualityMin),
                "penalty": JSONValue(objective.penalty),
                "latency_ref_ms": JSONValue(latencyRefMs),
            ]),
            "reprefill_ms_per_1k_tokens": .array(reprefillMsPer1kTokens.map(JSONValue.init)),
            "rollout": .object([
                "stage": .string(rollout.stage.rawValue),
                "percent": JSONValue(rollout.percent),
                "salt": .string(rollout.salt),
            ]),
            "expected": .object([
                "quality_ratio": JSONValue(expected.qualityRatio),
                "latency_ratio": JSONValue(expected.latencyRatio),
                "cost_ratio": JSONValue(expected.costRatio),
                "latency_ms": JSONValue(expected.latencyMs),
                "cost": JSONValue(expected.cost),
                "shares": .array(expected.shares.map(JSONValue.init)),
            ]),
            "provenance": .object([
                "trigger": .string(provenance.trigger),
                "window_from_ms": JSONValue(integer: provenance.windowFromMs),
                "window_to_ms": JSONValue(integer: provenance.windowToMs),
                "window_events": JSONValue(integer: provenance.windowEvents),
                "window_shadow": JSONValue(integer: provenance.windowShadow),
                "optimiser_run_id": .string(provenance.optimiserRunID),
                "controller_version": .string(provenance.controllerVersion),
            ]),
        ])
    }

    /// The canonical JSON bytes of the table: what is signed.
    public func canonicalBytes() throws(TableFormatError) -> [UInt8] {
        try jsonValue().canonicalBytes()
    }

    /// Reads a table from a JSON tree; fields this version does not know are ignored.
    ///
    /// - Throws: `TableFormatError` naming the first missing or invalid field, prefixed by `path`.
    public init(json: JSONValue, path: String = "table") throws(TableFormatError) {
        do throws(JSONObjectReader.FieldError) {
            let root = try JSONObjectReader(json, path: path)
            let fingerprint = try root.object("fingerprint")
            let novel = try root.object("novel")
            let objective = try root.object("objective")
            let rollout = try root.object("rollout")
            let expected = try root.object("expected")
            let provenance = try root.object("provenance")
            var clusters: [TableCluster] = []
            for (index, element) in try root.array("clusters").enumerated() {
                let cluster = try JSONObjectReader(element, path: "\(root.child("clusters"))[\(index)]")
                clusters.append(
                    TableCluster(
                        id: try cluster.integer("id"),
                        centroid: try cluster.floats("centroid"),
                        radius2: try cluster.float("radius2"),
                        thresholds: ThresholdPair(
                            device: try cluster.float("t_device"),
                            edge: try cluster.float("t_edge")
                        )
                    )
                )
            }
            let stageName = try rollout.string("stage")
            guard let stage = Rollout.Stage(rawValue: stageName) else {
                throw JSONObjectReader.FieldError(
                    path: rollout.child("stage"),
                    reason: "must be \"canary\" or \"active\", not \"\(stageName)\""
                )
            }
            self.init(
                fleet: try root.string("fleet"),
                version: try root.integer("version"),
                parentVersion: try root.integer("parent_version"),
                createdAtMs: try root.integer("created_at"),
                expiresAtMs: try root.integer("expires_at"),
                fingerprint: Fingerprint(
                    representationModel: try fingerprint.string("representation_model"),
                    representationDim: try fingerprint.integer("representation_dim"),
                    reranker: try fingerprint.string("reranker"),
                    promptTemplate: try fingerprint.string("prompt_template")
                ),
                clusters: clusters,
                novel: ThresholdPair(device: try novel.float("t_device"), edge: try novel.float("t_edge")),
                objective: ObjectiveWeights(
                    unchecked: try objective.double("lambda_latency"),
                    try objective.double("lambda_cost"),
                    try objective.double("q_min"),
                    try objective.double("penalty")
                ),
                latencyRefMs: try objective.double("latency_ref_ms"),
                reprefillMsPer1kTokens: try root.floats("reprefill_ms_per_1k_tokens"),
                rollout: Rollout(
                    stage: stage,
                    percent: try rollout.double("percent"),
                    salt: try rollout.string("salt")
                ),
                expected: ExpectedOutcome(
                    qualityRatio: try expected.double("quality_ratio"),
                    latencyRatio: try expected.double("latency_ratio"),
                    costRatio: try expected.double("cost_ratio"),
                    latencyMs: try expected.double("latency_ms"),
                    cost: try expected.double("cost"),
                    shares: try expected.doubles("shares")
                ),
                provenance: Provenance(
                    trigger: try provenance.string("trigger"),
                    windowFromMs: try provenance.integer("window_from_ms"),
                    windowToMs: try provenance.integer("window_to_ms"),
                    windowEvents: try provenance.integer("window_events"),
                    windowShadow: try provenance.integer("window_shadow"),
                    optimiserRunID: try provenance.string("optimiser_run_id"),
                    controllerVersion: try provenance.string("controller_version")
                )
            )
        } catch {
            throw TableFormatError(field: error.path, reason: error.reason)
        }
        try validate(path: path)
    }

    /// Parses a table from its (canonical or not) JSON bytes.
    public init(jsonBytes: [UInt8]) throws(TableFormatError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(jsonBytes)
        } catch {
            throw TableFormatError(field: "", reason: "\(error)")
        }
        try self.init(json: value)
    }
}
