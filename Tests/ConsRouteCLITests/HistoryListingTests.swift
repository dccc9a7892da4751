import ConsRouteModel
import ConsRouteStore
import Foundation
import Testing

@testable import consroute

@Suite("History listings: text tables and JSON")
struct HistoryListingTests {
    @Test("an empty listing says so in text and is an empty array in JSON")
    func empty() {
        let listing = HistoryListing(rows: [], noun: "drift events")
        #expect(listing.text() == "no drift events match")
        #expect(listing.json() == "[]")
    }

    @Test("text columns are aligned: text left, numbers right, absent values as a dash")
    func textAlignment() {
        let listing = HistoryListing(
            rows: [
                [
                    HistoryField("fleet", "fleet", .text("phones")), HistoryField("n", "n", .integer(7)),
                    HistoryField("ratio", "ratio", .number(0.961234)), HistoryField("tier", "tier", .text(nil)),
                ],
                [
                    HistoryField("fleet", "fleet", .text("tv")), HistoryField("n", "n", .integer(1234)),
                    HistoryField("ratio", "ratio", .number(nil)), HistoryField("tier", "tier", .text("edge")),
                ],
            ],
            noun: "rows"
        )
        #expect(
            listing.text() == """
                fleet      n   ratio  tier
                phones     7  0.9612  -
                tv      1234       -  edge
                """
        )
    }

    @Test("JSON: an object per line, keys sorted, text-only columns left out, times as unix ms, NaN as null")
    func jsonShape() {
        let listing = HistoryListing(
            rows: [
                [
                    HistoryField("created_at_ms", "created", .time(1_795_334_400_000)),
                    HistoryField.textOnly("summary", .text("short text")),
                    HistoryField.jsonOnly("ids", .ids([3, 1])),
                    HistoryField.jsonOnly("by_reason", .counts(["stale": 2, "bad_signature": 1])),
                    HistoryField("score", "score", .number(.nan)),
                ]
            ],
            noun: "rows"
        )
        #expect(
            listing.json() == """
                [
                {"by_reason":{"bad_signature":1,"stale":2},"created_at_ms":1795334400000,"ids":[3,1],"score":null}
                ]
                """
        )
        #expect(
            listing.text() == """
                created               summary     score
                2026-11-22T08:00:00Z  short text      -
                """
        )
    }

    @Test("a listing cut by the limit keeps the first rows and notes that more match")
    func limitNote() {
        let rows = (0..<3).map { [HistoryField("v", "v", .integer(Int64($0)))] }
        let cut = HistoryListing(rows: rows, limit: 2, noun: "tables")
        #expect(cut.rows.count == 2)
        #expect(cut.text().hasSuffix("(more tables match; raise --limit to see them)"))
        #expect(cut.json().split(separator: "\n").count == 4)
        #expect(HistoryListing(rows: rows, limit: 3, noun: "tables").omitted == .none)
        #expect(HistoryListing(rows: rows, limit: nil, noun: "tables").rows.count == 3)
    }

    @Test("stats shares are of the fleet's and the cluster's events, computed before the limit")
    func statsShares() throws {
        func summary(_ fleet: String, _ cluster: UInt32, _ tier: Tier, events: Int64) -> WindowStatisticsSummary {
            WindowStatisticsSummary(
                fleet: fleet,
                cluster: cluster,
                tier: tier,
                firstBucketStart: 0,
                lastBucketStart: 60_000,
                bucketCount: 2,
                sums: StatisticsSums(
                    eventCount: events,
                    shadowCount: 2,
                    latencySum: Double(events) * 100,
                    costSum: Double(events),
                    servedScoreSum: 1.8,
                    cloudScoreSum: 2
                )
            )
        }
        let listing = HistoryListing.stats(
            [
                summary("a", 0, .device, events: 30), summary("a", 0, .cloud, events: 10),
                summary("a", 1, .edge, events: 60),
                summary("b", 0, .edge, events: 5),
            ],
            limit: 3
        )
        let members = try jsonObjects(listing.json())
        #expect(members.count == 3)
        #expect(members.map { $0["fleet_share"] as? Double } == [0.3, 0.1, 0.6])
        #expect(members.map { $0["cluster_share"] as? Double } == [0.75, 0.25, 1])
        #expect(members[0]["mean_latency_ms"] as? Double == 100)
        #expect(members[0]["observed_quality_ratio"] as? Double == 0.9)
        #expect(listing.omitted == .some(count: 1))
        #expect(listing.text().hasSuffix("(1 more statistics rows; raise --limit to see them)"))
    }

    @Test("runs of both kinds merge newest first; one kind gets its own columns")
    func runsMerge() throws {
        let recluster = ReclusterRunRecord(
            id: "rc-1",
            fleet: "a",
            startedAt: 2_000,
            duration: .milliseconds(1500),
            trigger: .schedule,
            kBefore: 2,
            kAfter: 3,
            inertia: 12.5,
            matchedClusters: [0, 1],
            newClusters: [2],
            retiredClusters: [],
            window: DataWindow(start: 0, end: 1_000)
        )
        let optimiser = OptimiserRunRecord(
            id: "opt-1",
            fleet: "a",
            cluster: 2,
            engine: "gp-bo",
            trigger: .drift(eventID: "d-1"),
            startedAt: 3_000,
            duration: .milliseconds(250),
            tDevice: 0.7,
            tEdge: 0.5,
            objective: 0.81,
            qualityRatio: 0.96,
            latencyRatio: 0.5,
            costRatio: 0.4
        )
        let both = HistoryListing.runs(
            reclusters: [recluster],
            optimisers: [optimiser],
            kinds: Set(HistoryListing.RunKind.allCases),
            limit: 20
        )
        let members = try jsonObjects(both.json())
        #expect(members.map { $0["id"] as? String } == ["opt-1", "rc-1"])
        #expect(members[0]["trigger"] as? String == "drift")
        #expect(members[0]["trigger_ref"] as? String == "d-1")
        #expect(members[1]["new_clusters"] as? [Int] == [2])
        #expect(members[1]["duration_ms"] as? Double == 1500)
        let text = both.text()
        #expect(text.contains("summary"))
        #expect(text.contains("k 2->3, 2 kept, 1 new, 0 retired, inertia 12.5"))
        #expect(text.contains("cluster 2 gp-bo: t_device 0.7, t_edge 0.5, U 0.81, quality 0.96"))
        let reclusterOnly = HistoryListing.runs(reclusters: [recluster], optimisers: [], kinds: [.recluster], limit: 20)
        let header = try #require(reclusterOnly.text().split(separator: "\n").first)
        #expect(header.contains("k before") && header.contains("retired") && !header.contains("summary"))
    }

    @Test("trials are listed by iteration with the best objective marked")
    func trials() {
        let trials = [
            OptimiserTrialRecord(iteration: 0, tDevice: 0.5, tEdge: 0.5, objective: 0.6),
            OptimiserTrialRecord(iteration: 1, tDevice: 0.7, tEdge: 0.4, objective: 0.8),
            OptimiserTrialRecord(iteration: 2, tDevice: 0.9, tEdge: 0.3, objective: 0.7),
        ]
        let lines = HistoryListing.trials(trials, runID: "opt-1", limit: nil).text().split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[2].hasSuffix("*"))
        #expect(!lines[1].hasSuffix("*") && !lines[3].hasSuffix("*"))
    }
}
