import GRDB

extension HistoryStore {
    /// Applies one batch's effect — statistics deltas, acknowledgement deltas and consumer offsets — in one
    /// transaction: either all of it is stored or none of it.
    ///
    /// - Parameter effect: The batch's effect.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` naming the first bad field (checked before
    ///   the transaction starts), ``HistoryStoreError/offsetNotAdvanced(group:topic:partition:stored:proposed:)``
    ///   when an offset is not above the stored one (the batch was applied before). Nothing is written on error.
    /// - Complexity: O(rows in the effect × log rows stored): indexed UPSERTs through cached prepared statements,
    ///   up to 64 statistics rows per statement.
    public func apply(_ effect: IngestEffect) async throws {
        if effect.isEmpty { return }
        let statistics = try effect.statistics.enumerated().map { index, delta in
            try delta.validatedArguments("statistics[\(index)]")
        }
        let acknowledgements = try effect.acknowledgements.enumerated().map { index, delta in
            try delta.validatedArguments("acknowledgements[\(index)]")
        }
        for (index, offset) in effect.offsets.enumerated() { try offset.validate("offsets[\(index)]") }
        let deadLetters = try effect.deadLetters.enumerated().map { index, letter in
            try letter.validatedArguments("deadLetters[\(index)]")
        }
        try await write { db in
            for start in stride(from: 0, to: statistics.count, by: WindowStatisticsBucket.rowsPerUpsert) {
                let chunk = statistics[start..<min(start + WindowStatisticsBucket.rowsPerUpsert, statistics.count)]
                let upsert = try db.cachedStatement(sql: WindowStatisticsBucket.upsertSQL(rows: chunk.count))
                try upsert.execute(arguments: chunk.reduce(into: StatementArguments()) { $0 += $1 })
            }
            let upsertAcknowledgement = try db.cachedStatement(sql: AcknowledgementDelta.upsertSQL)
            for arguments in acknowledgements { try upsertAcknowledgement.execute(arguments: arguments) }
            for offset in effect.offsets { try offset.advance(in: db) }
            let insertDeadLetter = try db.cachedStatement(sql: DeadLetterRecord.insertSQL)
            for arguments in deadLetters { try insertDeadLetter.execute(arguments: arguments) }
        }
    }

    /// The stored offsets of a consumer group on a topic with their replay offsets, by partition.
    public func storedConsumerOffsets(group: String, topic: String) async throws -> [Int32: ConsumerOffset] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT partition_id, next_offset, replay_offset FROM consumer_offset
                    WHERE consumer_group = ? AND topic = ?
                    """,
                arguments: [group, topic]
            )
            var offsets: [Int32: ConsumerOffset] = [:]
            for row in rows {
                let partition: Int32 = try row.decode(forColumn: "partition_id")
                offsets[partition] = ConsumerOffset(
                    group: group,
                    topic: topic,
                    partition: partition,
                    nextOffset: try row.decode(forColumn: "next_offset"),
                    replayOffset: try row.decode(forColumn: "replay_offset")
                )
            }
            return offsets
        }
    }

    /// Dead letters written by `apply` and not yet removed, oldest first.
    /// - Parameter limit: The most to return.
    public func pendingDeadLetters(limit: Int = 500) async throws -> [PendingDeadLetter] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM dead_letter_outbox ORDER BY sequence LIMIT ?",
                arguments: [max(1, limit)]
            ).map { row in
                PendingDeadLetter(
                    sequence: try row.decode(forColumn: "sequence"),
                    record: try DeadLetterRecord(row: row)
                )
            }
        }
    }

    /// Removes dead letters up to and including `sequence` (they reached the dead-letter topic).
    public func removeDeadLetters(throughSequence sequence: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM dead_letter_outbox WHERE sequence <= ?", arguments: [sequence])
        }
    }

    /// The stored next offsets of a consumer group on a topic, to seek to on start and after a rebalance.
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    /// - Returns: Next offset per partition; partitions never applied are absent.
    public func storedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT partition_id, next_offset FROM consumer_offset WHERE consumer_group = ? AND topic = ?",
                arguments: [group, topic]
            )
            var offsets: [Int32: Int64] = [:]
            for row in rows {
                offsets[try row.decode(forColumn: "partition_id")] = try row.decode(forColumn: "next_offset")
            }
            return offsets
        }
    }

    /// Acknowledgement counts of a fleet's table versions, highest version first.
    /// - Parameters:
    ///   - fleet: The fleet.
    ///   - version: Only this version, when given.
    /// - Returns: One entry per version that received any acknowledgement.
    public func acknowledgements(fleet: String, version: UInt64? = nil) async throws -> [AcknowledgementCounts] {
        let storedVersion = try version.map { try FieldRule.storableVersion($0, "version") }
        return try await read { db in
            var sql = "SELECT version, outcome, reason, count FROM table_acknowledgement WHERE fleet = ?"
            var arguments: StatementArguments = [fleet]
            if let storedVersion {
                sql += " AND version = ?"
                arguments += [storedVersion]
            }
            sql += " ORDER BY version DESC"
            var countsByVersion: [UInt64: AcknowledgementCounts] = [:]
            var order: [UInt64] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let version = try row.decodeVersion(column: "version", table: "table_acknowledgement")
                if countsByVersion[version] == nil {
                    countsByVersion[version] = AcknowledgementCounts(
                        fleet: fleet,
                        version: version,
                        applied: 0,
                        rejectedByReason: [:]
                    )
                    order.append(version)
                }
                let count: Int64 = try row.decode(forColumn: "count")
                switch try row.decode(String.self, forColumn: "outcome") {
                case "applied":
                    countsByVersion[version]!.applied += count
                case "rejected":
                    countsByVersion[version]!.rejectedByReason[try row.decode(forColumn: "reason"), default: 0] += count
                case let other:
                    throw HistoryStoreError.unreadableRow(
                        table: "table_acknowledgement",
                        column: "outcome",
                        value: other
                    )
                }
            }
            return order.map { countsByVersion[$0]! }
        }
    }
}
