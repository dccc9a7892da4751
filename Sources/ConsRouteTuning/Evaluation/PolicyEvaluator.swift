public import ConsRouteModel

/// Counterfactual evaluation of routing policies on shadow samples.
///
/// Shadow samples carry every tier's score, latency and cost, so the outcome of any policy can
/// be computed exactly, without deploying it.
public enum PolicyEvaluator {
    /// The outcome of one cluster's thresholds on that cluster's samples.
    /// - Parameters:
    ///   - pair: the thresholds.
    ///   - samples: the cluster's shadow samples.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)`` with no samples,
    ///   ``ThresholdTuningError/zeroCloudReference(metric:)`` when an all-cloud mean is 0.
    /// - Complexity: O(n).
    public static func evaluate(_ pair: ThresholdPair, on samples: ShadowSamples) throws -> PolicyOutcome {
        var totals = PolicyTotals()
        for i in 0..<samples.count {
            totals.add(samples, i, routedTo: pair.tier(pDevice: samples.pDevice[i], pEdge: samples.pEdge[i]))
        }
        return try totals.outcome(context: "the evaluated cluster")
    }

    /// The outcome of a fleet policy on a set of shadow samples from several clusters.
    /// - Parameters:
    ///   - policy: per-cluster thresholds and the novel thresholds.
    ///   - samples: the shadow samples.
    ///   - assignment: the cluster and novelty flag of each sample.
    /// - Throws: ``ThresholdTuningError/assignmentLengthMismatch(column:expected:actual:)`` when the
    ///   assignment does not cover every sample, ``ThresholdTuningError/unknownCluster(sample:cluster:clusterCount:)``
    ///   for a non-novel sample of a cluster the policy lacks, and the errors of ``evaluate(_:on:)``.
    /// - Complexity: O(n).
    public static func evaluate(
        _ policy: ThresholdPolicy,
        on samples: ShadowSamples,
        assignment: ClusterAssignment
    ) throws -> PolicyOutcome {
        for (column, length) in [("cluster", assignment.cluster.count), ("isNovel", assignment.isNovel.count)]
        where length != samples.count {
            throw ThresholdTuningError.assignmentLengthMismatch(column: column, expected: samples.count, actual: length)
        }
        let clusterCount = policy.clusterThresholds.count
        var totals = PolicyTotals()
        for i in 0..<samples.count {
            let cluster = assignment.cluster[i]
            let isNovel = assignment.isNovel[i]
            guard isNovel || (0..<clusterCount).contains(cluster) else {
                throw ThresholdTuningError.unknownCluster(sample: i, cluster: cluster, clusterCount: clusterCount)
            }
            let pair = policy.thresholds(cluster: cluster, isNovel: isNovel)
            totals.add(samples, i, routedTo: pair.tier(pDevice: samples.pDevice[i], pEdge: samples.pEdge[i]))
        }
        return try totals.outcome(context: "the evaluated policy")
    }
}
