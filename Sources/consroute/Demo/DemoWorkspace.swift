import ConsRouteModel
import ConsRouteSimulation
import Foundation

/// The demo's working folder: a key pair, an admin token, a controller configuration for the scenario's fleet
/// (with loop timings for a demo that lasts about a minute), the history and the controller's log. The
/// configuration is a real one: `consroute serve --config <dir>/controller.yaml` serves the demo's tables.
struct DemoWorkspace {
    let path: String
    let configurationPath: String
    let historyPath: String
    let publicKeyPath: String
    let logPath: String
    let trustedKey: TableVerifyingKey

    /// Creates the folder and its files; a previous demo's history is removed (its keys are kept).
    init(path: String, scenario: Scenario, port: Int) throws {
        self.path = path
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the working folder \(path): \(error.localizedDescription)")
        }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        configurationPath = file("controller.yaml")
        historyPath = file("history.sqlite")
        publicKeyPath = file("consroute.pub")
        logPath = file("controller.log")
        for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: historyPath + suffix) {
            try manager.removeItem(atPath: historyPath + suffix)
        }
        let keyPath = file("consroute.key")
        let key: TableSigningKey
        if let data = manager.contents(atPath: keyPath), let existing = try? KeyFile.signingKey(from: Array(data)) {
            key = existing
        } else {
            key = TableSigningKey()
            try Files.write(KeyFile.privateKeyFile(key), to: keyPath, mode: 0o600, overwrite: true)
        }
        try Files.write(KeyFile.publicKeyFile(key.verifyingKey), to: publicKeyPath, overwrite: true)
        trustedKey = key.verifyingKey
        let yaml = Self.configuration(
            scenario: scenario,
            port: port,
            keyPath: keyPath,
            historyPath: historyPath,
            tokenPath: file("admin.token")
        )
        try Files.write(Array(yaml.utf8), to: configurationPath, overwrite: true)
    }

    /// The controller log, truncated.
    func openLog() throws -> FileLogHandler.Sink {
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: logPath)
        else {
            throw CommandFailure("cannot write the controller log \(logPath)")
        }
        return FileLogHandler.Sink(handle)
    }

    /// A controller configuration for the scenario's fleet: the embedded broker, and loop timings for a fleet
    /// that sends thousands of events per second (the shipped config/controller.yaml is tuned for production
    /// rates: 30 s debounce, 60 s between tunings, 60 s of samples kept from before a detected outcome change;
    /// at the demo's 6,000 events/s those 60 s would be its whole window, so a cluster whose answers changed would
    /// be re-tuned on the samples from before the change).
    static func configuration(scenario: Scenario, port: Int, keyPath: String, historyPath: String, tokenPath: String)
        -> String
    {
        let fingerprint = scenario.fingerprint
        let reprefill = scenario.sessions.reprefillMsPer1kTokens
        return """
            # Written by `consroute demo` for fleet \(scenario.fleet); every key is documented in config/controller.yaml.
            # Serve the demo's tables again with: consroute serve --config \(configurationPath(keyPath))
            broker: {bootstrap_servers: ""}
            http: {host: 127.0.0.1, port: \(port), admin_token_file: \(tokenPath)}
            history: {path: \(historyPath)}
            keys: {signing_key_file: \(keyPath)}
            loop: {tick_ms: 200}
            fleets:
              - name: \(scenario.fleet)
                dimension: \(scenario.dimension)
                fingerprint:
                  representation_model: \(fingerprint.representationModel)
                  reranker: \(fingerprint.reranker)
                  prompt_template: \(fingerprint.promptTemplate)
                objective:
                  lambda_latency: \(scenario.objective.lambdaLatency)
                  lambda_cost: \(scenario.objective.lambdaCost)
                  q_min: \(scenario.objective.qualityMin)
                  penalty: \(scenario.objective.penalty)
                reprefill_ms_per_1k_tokens: {device: \(reprefill[0]), edge: \(reprefill[1]), cloud: \(reprefill[2])}
                optimiser: {change_lookback_s: 2}
                window: {representations: 100000, shadow_samples: 20000}
                loop: {bootstrap_events: 5000, debounce_s: 2, minimum_interval_s: 5, schedule_s: 0}

            """
    }

    private static func configurationPath(_ keyPath: String) -> String {
        ((keyPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("controller.yaml")
    }
}
