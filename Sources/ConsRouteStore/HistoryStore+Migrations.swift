import Foundation
import GRDB

extension HistoryStore {
    /// Every schema change, in order, each under a stable name recorded in `grdb_migrations`.
    ///
    /// Conventions of the schema: every timestamp is an INTEGER of unix milliseconds (UTC); every duration a
    /// REAL of milliseconds; tiers, statuses and trigger kinds are lower-case TEXT checked by CHECK
    /// constraints; table versions are INTEGERs in 1...Int64.max. Never edit a shipped migration: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-history-schema") { db in
            try db.execute(sql: schemaVersion1)
        }
        migrator.registerMigration("v2-bootstrap-trigger") { db in
            try allowBootstrapTrigger(db)
        }
        migrator.registerMigration("v3-tuning-decisions") { db in
            try db.execute(sql: tuningDecisionSchema)
        }
        migrator.registerMigration("v4-rollout-events") { db in
            try db.execute(sql: rolloutEventSchema)
        }
        migrator.registerMigration("v5-consumer-offset-cluster") { db in
            try db.execute(sql: consumerOffsetClusterSchema)
        }
        migrator.registerMigration("v6-decision-figures") { db in
            for column in [
                "basis TEXT", "alpha REAL", "quality_lower_bound REAL", "objective REAL", "current_quality_ratio REAL",
                "current_quality_lower_bound REAL", "current_latency_ratio REAL", "current_cost_ratio REAL",
                "current_objective REAL",
            ] {
                try db.execute(sql: "ALTER TABLE tuning_decision ADD COLUMN \(column)")
            }
        }
        migrator.registerMigration("v7-history-outbox") { db in
            try db.execute(sql: historyOutboxSchema)
        }
        return migrator
    }

    /// Rebuilds the three tables whose `trigger_kind` CHECK predates the `bootstrap` kind (SQLite cannot alter a
    /// CHECK constraint): each is copied into a new table with the wider constraint, then renamed, and its
    /// indexes are made again. GRDB runs the migration in one transaction with foreign keys deferred.
    private static func allowBootstrapTrigger(_ db: Database) throws {
        for table in ["threshold_table", "recluster_run", "optimiser_run"] {
            let definition = try String.fetchOne(
                db,
                sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                arguments: [table]
            )
            guard let definition else {
                throw HistoryStoreError.unreadableRow(table: table, column: "sql", value: "missing")
            }
            let indexes = try String.fetchAll(
                db,
                sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                arguments: [table]
            )
            let widened =
                definition
                .replacingOccurrences(
                    of: "trigger_kind IN ('drift', 'schedule', 'operator')",
                    with: "trigger_kind IN ('bootstrap', 'drift', 'schedule', 'operator')"
                )
                .replacingOccurrences(of: "CREATE TABLE \(table)", with: "CREATE TABLE \(table)_v2")
            try db.execute(sql: widened)
            try db.execute(sql: "INSERT INTO \(table)_v2 SELECT * FROM \(table)")
            try db.execute(sql: "DROP TABLE \(table)")
            try db.execute(sql: "ALTER TABLE \(table)_v2 RENAME TO \(table)")
            for index in indexes { try db.execute(sql: index) }
        }
    }

    /// Records bound for the history topic (docs/design.md §9), written in the transaction that records them: a
    /// drift event, run, decision or rollout step as ``HistoryChange/encoded()`` bytes, in recording order.
    private static let historyOutboxSchema = """
        CREATE TABLE history_outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            change BLOB NOT NULL
        );
        """

    /// One row per tuning run: published (with the version), rejected by a guardrail or failed (with the reason),
    /// the proposal's predicted ratios (all three or none) and the data window.
    private static let tuningDecisionSchema = """
        CREATE TABLE tuning_decision (
            run_id TEXT PRIMARY KEY CHECK (run_id <> ''),
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('bootstrap', 'drift', 'schedule', 'operator')),
            trigger_ref TEXT,
            decided_at INTEGER NOT NULL,
            result TEXT NOT NULL CHECK (result IN ('published', 'rejected', 'failed')),
            reason TEXT NOT NULL,
            table_version INTEGER CHECK (table_version IS NULL OR table_version > 0),
            quality_ratio REAL CHECK (quality_ratio IS NULL OR quality_ratio >= 0),
            latency_ratio REAL CHECK (latency_ratio IS NULL OR latency_ratio >= 0),
            cost_ratio REAL CHECK (cost_ratio IS NULL OR cost_ratio >= 0),
            window_start INTEGER NOT NULL,
            window_end INTEGER NOT NULL CHECK (window_end >= window_start),
            window_first_offset INTEGER,
            window_end_offset INTEGER,
            CHECK ((result = 'published') = (table_version IS NOT NULL)),
            CHECK ((result = 'published') = (reason = '')),
            CHECK ((quality_ratio IS NULL) = (latency_ratio IS NULL) AND (quality_ratio IS NULL) = (cost_ratio IS NULL))
        );
        CREATE INDEX tuning_decision_decided ON tuning_decision (fleet, decided_at);
        CREATE INDEX tuning_decision_decided_all ON tuning_decision (decided_at);
        """

    /// Which Kafka cluster (`rd_kafka_clusterid`) a consumer group's stored offsets on a topic belong to: offsets
    /// are positions in one cluster's log and mean nothing on another (an embedded broker is a new cluster in
    /// every process). Offsets stored before this table existed have no row and are adopted by the first cluster
    /// that binds them.
    private static let consumerOffsetClusterSchema = """
        CREATE TABLE consumer_offset_cluster (
            consumer_group TEXT NOT NULL CHECK (consumer_group <> ''),
            topic TEXT NOT NULL CHECK (topic <> ''),
            cluster_id TEXT NOT NULL CHECK (cluster_id <> ''),
            bound_at INTEGER NOT NULL,
            PRIMARY KEY (consumer_group, topic)
        ) WITHOUT ROWID;
        """

    /// One row per step of a staged rollout: a canary's start, then its promotion or rollback with the test's
    /// figures (all six or none: none exactly for a start).
    private static let rolloutEventSchema = """
        CREATE TABLE rollout_event (
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            canary_version INTEGER NOT NULL CHECK (canary_version > 0),
            step TEXT NOT NULL CHECK (step IN ('started', 'promoted', 'rolled_back')),
            decided_at INTEGER NOT NULL,
            initiator TEXT NOT NULL CHECK (initiator IN ('controller', 'operator')),
            control_version INTEGER NOT NULL CHECK (control_version > 0 AND control_version < canary_version),
            percent REAL NOT NULL CHECK (percent BETWEEN 0 AND 100),
            result_version INTEGER CHECK (result_version IS NULL OR result_version > canary_version),
            reason TEXT NOT NULL CHECK (reason <> ''),
            canary_samples INTEGER CHECK (canary_samples IS NULL OR canary_samples >= 0),
            canary_mean REAL,
            control_samples INTEGER CHECK (control_samples IS NULL OR control_samples >= 0),
            control_mean REAL,
            lower_bound REAL,
            upper_bound REAL CHECK (upper_bound IS NULL OR upper_bound >= lower_bound),
            PRIMARY KEY (fleet, canary_version, step),
            CHECK ((step = 'started') = (result_version IS NULL)),
            CHECK ((step = 'started') = (canary_samples IS NULL)),
            CHECK ((canary_samples IS NULL) = (canary_mean IS NULL) AND (canary_samples IS NULL) = (control_samples IS NULL)
                AND (canary_samples IS NULL) = (control_mean IS NULL) AND (canary_samples IS NULL) = (lower_bound IS NULL)
                AND (canary_samples IS NULL) = (upper_bound IS NULL))
        );
        CREATE INDEX rollout_event_decided ON rollout_event (fleet, decided_at);
        CREATE INDEX rollout_event_decided_all ON rollout_event (decided_at);
        """

    private static let schemaVersion1 = """
        CREATE TABLE threshold_table (
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            version INTEGER NOT NULL CHECK (version > 0),
            parent_version INTEGER CHECK (parent_version IS NULL OR parent_version < version),
            status TEXT NOT NULL CHECK (status IN ('canary', 'active', 'superseded', 'rolled_back')),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL CHECK (expires_at >= created_at),
            trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('drift', 'schedule', 'operator')),
            trigger_ref TEXT,
            optimiser_run_id TEXT,
            envelope TEXT NOT NULL CHECK (envelope <> ''),
            PRIMARY KEY (fleet, version)
        );
        CREATE INDEX threshold_table_created ON threshold_table (fleet, created_at);
        CREATE UNIQUE INDEX threshold_table_one_active ON threshold_table (fleet) WHERE status = 'active';
        CREATE UNIQUE INDEX threshold_table_one_canary ON threshold_table (fleet) WHERE status = 'canary';

        CREATE TABLE drift_event (
            id TEXT PRIMARY KEY CHECK (id <> ''),
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            detected_at INTEGER NOT NULL,
            detector TEXT NOT NULL,
            signal TEXT NOT NULL,
            cluster INTEGER CHECK (cluster IS NULL OR cluster >= 0),
            tier TEXT CHECK (tier IS NULL OR tier IN ('device', 'edge', 'cloud')),
            statistic REAL NOT NULL,
            threshold REAL NOT NULL,
            window_start INTEGER NOT NULL,
            window_end INTEGER NOT NULL,
            window_first_offset INTEGER,
            window_end_offset INTEGER,
            action TEXT NOT NULL
        );
        CREATE INDEX drift_event_detected ON drift_event (fleet, detected_at);
        CREATE INDEX drift_event_detected_all ON drift_event (detected_at);

        CREATE TABLE recluster_run (
            id TEXT PRIMARY KEY CHECK (id <> ''),
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            started_at INTEGER NOT NULL,
            duration_ms REAL NOT NULL CHECK (duration_ms >= 0),
            trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('drift', 'schedule', 'operator')),
            trigger_ref TEXT,
            k_before INTEGER NOT NULL CHECK (k_before >= 0),
            k_after INTEGER NOT NULL CHECK (k_after > 0),
            inertia REAL NOT NULL CHECK (inertia >= 0),
            matched_clusters TEXT NOT NULL,
            new_clusters TEXT NOT NULL,
            retired_clusters TEXT NOT NULL,
            window_start INTEGER NOT NULL,
            window_end INTEGER NOT NULL,
            window_first_offset INTEGER,
            window_end_offset INTEGER
        );
        CREATE INDEX recluster_run_started ON recluster_run (fleet, started_at);
        CREATE INDEX recluster_run_started_all ON recluster_run (started_at);

        CREATE TABLE optimiser_run (
            id TEXT PRIMARY KEY CHECK (id <> ''),
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            cluster INTEGER CHECK (cluster IS NULL OR cluster >= 0),
            engine TEXT NOT NULL CHECK (engine <> ''),
            trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('drift', 'schedule', 'operator')),
            trigger_ref TEXT,
            started_at INTEGER NOT NULL,
            duration_ms REAL NOT NULL CHECK (duration_ms >= 0),
            t_device REAL NOT NULL CHECK (t_device BETWEEN 0 AND 1),
            t_edge REAL NOT NULL CHECK (t_edge BETWEEN 0 AND 1),
            objective REAL NOT NULL,
            quality_ratio REAL NOT NULL,
            latency_ratio REAL NOT NULL,
            cost_ratio REAL NOT NULL
        );
        CREATE INDEX optimiser_run_started ON optimiser_run (fleet, started_at);
        CREATE INDEX optimiser_run_started_all ON optimiser_run (started_at);

        CREATE TABLE optimiser_trial (
            run_id TEXT NOT NULL REFERENCES optimiser_run (id) ON DELETE CASCADE,
            iteration INTEGER NOT NULL CHECK (iteration >= 0),
            t_device REAL NOT NULL CHECK (t_device BETWEEN 0 AND 1),
            t_edge REAL NOT NULL CHECK (t_edge BETWEEN 0 AND 1),
            objective REAL NOT NULL,
            PRIMARY KEY (run_id, iteration)
        ) WITHOUT ROWID;

        CREATE TABLE window_statistics (
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            cluster INTEGER NOT NULL CHECK (cluster >= 0),
            tier TEXT NOT NULL CHECK (tier IN ('device', 'edge', 'cloud')),
            bucket_start INTEGER NOT NULL,
            event_count INTEGER NOT NULL CHECK (event_count >= 0),
            shadow_count INTEGER NOT NULL CHECK (shadow_count BETWEEN 0 AND event_count),
            latency_sum REAL NOT NULL CHECK (latency_sum >= 0),
            latency_square_sum REAL NOT NULL CHECK (latency_square_sum >= 0),
            cost_sum REAL NOT NULL CHECK (cost_sum >= 0),
            cost_square_sum REAL NOT NULL CHECK (cost_square_sum >= 0),
            served_score_sum REAL NOT NULL CHECK (served_score_sum >= 0),
            served_score_square_sum REAL NOT NULL CHECK (served_score_square_sum >= 0),
            cloud_score_sum REAL NOT NULL CHECK (cloud_score_sum >= 0),
            cloud_latency_sum REAL NOT NULL CHECK (cloud_latency_sum >= 0),
            cloud_cost_sum REAL NOT NULL CHECK (cloud_cost_sum >= 0),
            PRIMARY KEY (fleet, cluster, tier, bucket_start)
        ) WITHOUT ROWID;
        CREATE INDEX window_statistics_bucket ON window_statistics (bucket_start);

        CREATE TABLE table_acknowledgement (
            fleet TEXT NOT NULL CHECK (fleet <> ''),
            version INTEGER NOT NULL CHECK (version > 0),
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
            reason TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (fleet, version, outcome, reason)
        ) WITHOUT ROWID;

        CREATE TABLE consumer_offset (
            consumer_group TEXT NOT NULL CHECK (consumer_group <> ''),
            topic TEXT NOT NULL CHECK (topic <> ''),
            partition_id INTEGER NOT NULL CHECK (partition_id >= 0),
            next_offset INTEGER NOT NULL CHECK (next_offset >= 0),
            replay_offset INTEGER CHECK (replay_offset IS NULL OR replay_offset BETWEEN 0 AND next_offset),
            PRIMARY KEY (consumer_group, topic, partition_id)
        ) WITHOUT ROWID;

        CREATE TABLE dead_letter_outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            source_topic TEXT NOT NULL CHECK (source_topic <> ''),
            source_partition INTEGER NOT NULL CHECK (source_partition >= 0),
            source_offset INTEGER NOT NULL CHECK (source_offset >= 0),
            reason_code TEXT NOT NULL CHECK (reason_code <> ''),
            reason TEXT NOT NULL,
            content_type TEXT,
            value BLOB NOT NULL,
            recorded_at INTEGER NOT NULL
        );
        """
}
