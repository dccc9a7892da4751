import ConsRouteModel

extension TableCache {
    /// Waits until `device` of `fleet` should apply a table newer than `version`, and returns that table.
    ///
    /// Answers at once when the caller is already stale; otherwise parks until a publish for the fleet gives the
    /// device something newer (a canary for another cohort does not wake it).
    ///
    /// - Parameters:
    ///   - fleet: the fleet name (it need not have a table yet).
    ///   - device: the device id, which selects a canary cohort; nil for the active table.
    ///   - version: the version the caller holds (0 for none).
    /// - Throws: `CancellationError` if the calling task is cancelled while parked (the watcher is removed).
    /// - Complexity: O(1) to park; the publish that wakes it does O(1) work for it.
    package func watch(fleet: String, device: String?, after version: UInt64) async throws -> PublishedTable {
        while true {
            if let table = try await watchUntilPulse(fleet: fleet, device: device, after: version) { return table }
        }
    }

    /// Like `watch(fleet:device:after:)`, but also returns, with nil, at the next `pulse()`: the heartbeat of
    /// server-sent-event streams.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, or nil for the active table.
    ///   - version: the version the caller holds (0 for none).
    /// - Returns: the newer table, or nil if a pulse came first.
    /// - Throws: `CancellationError` if the calling task is cancelled while parked.
    package func watchUntilPulse(fleet: String, device: String?, after version: UInt64) async throws -> PublishedTable?
    {
        if let table = table(fleet: fleet, device: device), table.version > version { return table }
        let id = nextWatcherID
        nextWatcherID &+= 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    watchers[fleet, default: [:]][id] = Watcher(
                        device: device,
                        after: version,
                        continuation: continuation
                    )
                }
            }
        } onCancel: {
            Task { await self.cancelWatcher(id, fleet: fleet) }
        }
    }

    /// Like `watch(fleet:device:after:)`, but gives up after `timeout`.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, or nil for the active table.
    ///   - version: the version the caller holds (0 for none).
    ///   - timeout: how long to wait at most.
    /// - Returns: the newer table, or nil if none came within `timeout`.
    /// - Throws: `CancellationError` if the calling task is cancelled.
    package nonisolated func watch(
        fleet: String,
        device: String?,
        after version: UInt64,
        timeout: Duration
    ) async throws -> PublishedTable? {
        try await withThrowingTaskGroup(of: PublishedTable?.self) { group in
            group.addTask { try await self.watch(fleet: fleet, device: device, after: version) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return nil }
            return first
        }
    }

    /// Removes a parked watcher and resumes it with `CancellationError`; nothing if it was already woken.
    private func cancelWatcher(_ id: UInt64, fleet: String) {
        guard let watcher = watchers[fleet]?.removeValue(forKey: id) else { return }
        if watchers[fleet]?.isEmpty == true { watchers[fleet] = nil }
        watcher.continuation.resume(throwing: CancellationError())
    }
}
