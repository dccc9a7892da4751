import Foundation

/// The package's one wall-clock time source: Unix time in milliseconds, the unit of every time in tables,
/// telemetry and history. Code that reads the time takes a ``Source`` (defaulting to ``system``) so tests can
/// inject their own.
public enum WallClock {
    /// A source of Unix time in milliseconds.
    public typealias Source = @Sendable () -> Int64

    /// The system's wall clock, in whole milliseconds since 1970 (truncated).
    public static let system: Source = { Int64(Date().timeIntervalSince1970 * 1_000) }

    /// The system's wall clock now, in milliseconds since 1970.
    public static func nowMs() -> Int64 { system() }
}
