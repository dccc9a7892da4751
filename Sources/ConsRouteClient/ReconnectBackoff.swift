/// Capped exponential backoff with jitter, for reconnecting after a dropped connection or a failed request.
///
/// Attempt n (0-based) waits a uniform draw in [½, 1] × min(`maximum`, `initial` · 2ⁿ): the cap keeps a device
/// from waiting long once the controller is back, and the jitter keeps a fleet that lost the controller at the
/// same moment from reconnecting in lockstep.
public struct ReconnectBackoff: Sendable, Equatable {
    /// The delay ceiling of the first attempt (default 100 ms).
    public var initial: Duration
    /// The largest delay (default 10 s).
    public var maximum: Duration
    /// Attempts since the last success.
    public private(set) var attempt = 0

    /// A backoff at its first attempt.
    ///
    /// - Parameters:
    ///   - initial: the first delay's ceiling (> 0).
    ///   - maximum: the delay cap (>= `initial`).
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10)) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay ceiling of the current attempt: min(`maximum`, `initial` · 2^attempt).
    public var ceiling: Duration {
        var delay = initial
        for _ in 0..<min(attempt, 62) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// The delay before the next attempt, and counts the attempt.
    ///
    /// - Parameter generator: the jitter's source.
    public mutating func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let delay = ceiling * Double.random(in: 0.5...1, using: &generator)
        attempt += 1
        return delay
    }

    /// The delay before the next attempt, with system randomness.
    public mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// Starts over after a success.
    public mutating func reset() {
        attempt = 0
    }
}
