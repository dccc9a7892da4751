/// Watches whether the table in force still meets the fleet's quality floor, the signal a changed traffic mix gives
/// that no per-cluster detector sees (each cluster's outcomes stay the same; their weights change).
///
/// Two estimates of the fleet's mean `s - q_min c` (>= 0 exactly when the quality ratio is >= `q_min`):
/// - **by mix**: each stratum's (cluster's, or the novel queries') held-out margin under the table, measured when
///   it was tuned, weighted by the stratum's share of the newest `mixEvents` events: every event counts, so a
///   surge of hard queries shows within about a thousand events;
/// - **served**: the newest `servedSamples` shadow samples routed by the table: the table's actual outcome.
///
/// ``observe(stratum:served:)`` reports a drift when either estimate falls below 0 (and it has enough data), then
/// stays quiet until ``adopt(margins:)`` starts over with a new table.
public struct QualityFloorMonitor: Sendable {
    /// Events in the mix window.
    public let mixEvents: Int
    /// Shadow samples in the served window.
    public let servedSamples: Int
    private var margins: [Double]?
    private var mixRing: [Int] = []
    private var mixCounts: [Int] = []
    private var mixNext = 0
    private var servedRing: [Double] = []
    private var servedSum = 0.0
    private var servedNext = 0
    private var fired = false

    /// Creates a monitor.
    /// - Parameters:
    ///   - mixEvents: events in the mix window (>= 1).
    ///   - servedSamples: shadow samples in the served window (>= 1); the served estimate needs half of them.
    public init(mixEvents: Int = 1_000, servedSamples: Int = 400) {
        self.mixEvents = max(1, mixEvents)
        self.servedSamples = max(1, servedSamples)
    }

    /// Starts over for a new table.
    /// - Parameter margins: per stratum, the table's held-out mean of `s - q_min c` (nil: unknown, the mix estimate
    ///   is off, e.g. for a table restored after a restart).
    public mutating func adopt(margins: [Double]?) {
        self.margins = margins
        mixRing = []
        mixCounts = Array(repeating: 0, count: margins?.count ?? 0)
        mixNext = 0
        servedRing = []
        servedSum = 0
        servedNext = 0
        fired = false
    }

    /// The estimates so far (nil until enough data).
    public var estimates: (byMix: Double?, served: Double?) {
        var byMix: Double?
        if let margins, mixRing.count >= mixEvents {
            byMix = zip(margins, mixCounts).reduce(0) { $0 + $1.0 * Double($1.1) } / Double(mixRing.count)
        }
        let served = servedRing.count >= servedSamples / 2 ? servedSum / Double(servedRing.count) : nil
        return (byMix, served)
    }

    /// Observes one event.
    /// - Parameters:
    ///   - stratum: the event's stratum under the table (cluster index, or the clusters' count for a novel query).
    ///   - served: for a shadow sample, `s_served - q_min s_cloud`.
    /// - Returns: a detection the first time an estimate falls below 0 for this table.
    public mutating func observe(stratum: Int, served: Double?) -> DriftDetection? {
        if margins != nil, stratum < mixCounts.count {
            if mixRing.count < mixEvents {
                mixRing.append(stratum)
            } else {
                mixCounts[mixRing[mixNext]] -= 1
                mixRing[mixNext] = stratum
                mixNext = (mixNext + 1) % mixEvents
            }
            mixCounts[stratum] += 1
        }
        if let served, served.isFinite {
            if servedRing.count < servedSamples {
                servedRing.append(served)
            } else {
                servedSum -= servedRing[servedNext]
                servedRing[servedNext] = served
                servedNext = (servedNext + 1) % servedSamples
            }
            servedSum += served
        }
        guard !fired else { return nil }
        let (byMix, servedMean) = estimates
        if let byMix, byMix < 0 {
            fired = true
            return DriftDetection(statistic: byMix, threshold: 0, windowLength: mixRing.count)
        }
        if let servedMean, servedMean < 0 {
            fired = true
            return DriftDetection(statistic: servedMean, threshold: 0, windowLength: servedRing.count)
        }
        return nil
    }
}
