import GRDB

extension HistoryStore {
    /// Runs `body` on a reader connection (GRDB's dispatch queues), turning SQLite failures into
    /// ``HistoryStoreError/databaseFailure(path:reason:)``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingDatabaseErrors { try await writer.read(body) }
    }

    /// Runs `body` in one write transaction on the writer's dispatch queue, committing when it returns and
    /// rolling back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingDatabaseErrors { try await writer.write(body) }
    }

    /// Runs `body` on the writer's dispatch queue outside any transaction (it manages its own).
    func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingDatabaseErrors { try await writer.writeWithoutTransaction(body) }
    }

    private func mappingDatabaseErrors<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw HistoryStoreError.databaseFailure(
                path: path ?? ":memory:",
                reason: "\(error.resultCode): \(error.message ?? "no message")"
            )
        }
    }
}
