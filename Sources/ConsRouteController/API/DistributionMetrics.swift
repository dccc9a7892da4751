package import Prometheus
import Synchronization

/// The metrics the distribution API owns (docs/design.md §10), in a Prometheus registry shared with the controller:
/// `consroute_subscribers{fleet,kind}`, `consroute_http_requests_total{route,status}` and
/// `consroute_table_version{fleet,stage}`.
package final class DistributionMetrics: Sendable {
    /// The kind of a subscriber.
    package enum SubscriberKind: String, Sendable, CaseIterable {
        /// A server-sent-event stream.
        case sse
        /// A parked long-poll request.
        case longpoll
    }

    /// The registry the metrics are in; `/metrics` emits all of it.
    package let registry: PrometheusCollectorRegistry
    private let subscribers = Mutex<[SubscriberKey: Int]>([:])

    private struct SubscriberKey: Hashable {
        let fleet: String
        let kind: SubscriberKind
    }

    private static var subscribersName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "consroute",
            metricName: "subscribers",
            unitName: "",
            helpText: "Open table subscriptions, by fleet and kind (sse or longpoll)."
        )
    }

    private static var requestsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "consroute",
            subsystem: "http",
            metricName: "requests",
            unitName: "total",
            helpText: "HTTP requests answered, by route pattern and status code."
        )
    }

    private static var versionName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "consroute",
            metricName: "table_version",
            unitName: "",
            helpText: "Version of the table each fleet serves, by stage (active or canary; 0: none)."
        )
    }

    /// Metrics in `registry`.
    ///
    /// - Parameter registry: the controller's registry.
    package init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts a subscriber in and returns how many of its kind the fleet has now.
    @discardableResult
    package func subscriberOpened(fleet: String, kind: SubscriberKind) -> Int {
        adjustSubscribers(fleet: fleet, kind: kind, by: 1)
    }

    /// Counts a subscriber out and returns how many of its kind the fleet has now.
    @discardableResult
    package func subscriberClosed(fleet: String, kind: SubscriberKind) -> Int {
        adjustSubscribers(fleet: fleet, kind: kind, by: -1)
    }

    /// How many subscribers of `kind` the fleet has.
    package func subscriberCount(fleet: String, kind: SubscriberKind) -> Int {
        subscribers.withLock { $0[SubscriberKey(fleet: fleet, kind: kind)] ?? 0 }
    }

    /// Counts an answered request.
    ///
    /// - Parameters:
    ///   - route: the route pattern (not the concrete path, to bound the label's cardinality).
    ///   - status: the status code.
    package func requestAnswered(route: String, status: Int) {
        registry.makeCounter(descriptor: Self.requestsName, labels: [("route", route), ("status", String(status))])
            .increment()
    }

    /// Sets the served version of a fleet's stage (0 when the stage has no table).
    package func tableVersion(fleet: String, stage: String, version: UInt64) {
        registry.makeGauge(descriptor: Self.versionName, labels: [("fleet", fleet), ("stage", stage)])
            .set(Double(version))
    }

    private func adjustSubscribers(fleet: String, kind: SubscriberKind, by delta: Int) -> Int {
        let count = subscribers.withLock { counts in
            let key = SubscriberKey(fleet: fleet, kind: kind)
            let count = max(0, (counts[key] ?? 0) + delta)
            counts[key] = count
            return count
        }
        registry.makeGauge(descriptor: Self.subscribersName, labels: [("fleet", fleet), ("kind", kind.rawValue)])
            .set(Double(count))
        return count
    }
}
