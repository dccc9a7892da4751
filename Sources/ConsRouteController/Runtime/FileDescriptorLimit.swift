#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`). Every HTTP connection, Kafka socket and SQLite file takes a
/// descriptor; the usual soft limit of 1,024 is exhausted by that many idle sockets, after which `/healthz` stops
/// answering (issue 14). At start the soft limit is raised to the hard limit.
enum FileDescriptorLimit {
    /// Descriptors kept back for everything that is not an HTTP connection (Kafka, SQLite, logs).
    static let reserved = 256

    /// Raises the soft limit to the hard limit.
    ///
    /// - Returns: the soft limit before and after (equal when it could not be raised), nil if it cannot be read.
    static func raiseToHardLimit() -> (before: UInt64, after: UInt64)? {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0 else { return nil }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        guard setrlimit(resourceNoFile, &raised) == 0 else { return (before, before) }
        return (before, UInt64(raised.rlim_cur))
    }

    /// The connection cap that leaves `reserved` descriptors free under `limit`, at most `configured`.
    static func connectionCap(configured: Int, limit: UInt64) -> Int {
        let available = limit > UInt64(reserved) ? Int(clamping: limit - UInt64(reserved)) : 1
        return max(1, min(configured, available))
    }

    #if canImport(Glibc)
        private static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resourceNoFile = RLIMIT_NOFILE
    #endif
}
