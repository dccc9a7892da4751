import ConsRouteModel
import Testing

@testable import ConsRouteTuning

@Suite("ClusterIdentityMatcher and the Hungarian assignment")
struct ClusterIdentityMatcherTests {
    let previous: [Float] = [0, 0, 10, 0, 0, 10, 10, 10]
    let previousIDs: [UInt32] = [4, 7, 9, 12]

    @Test("no previous clusters: every cluster is new")
    func empty() throws {
        let match = try ClusterIdentityMatcher().match(
            newCentroids: [1, 1, 2, 2],
            previousCentroids: [],
            previousIDs: [],
            dimension: 2
        )
        #expect(match == ClusterIdentityMatch(ids: [0, 1], newIDs: [0, 1], retiredIDs: [], nextID: 2))
    }

    @Test("a permutation of slightly moved centroids recovers every id", arguments: [1, 2, 3, 4] as [UInt64])
    func permutationRecovered(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let order = [0, 1, 2, 3].shuffled(using: &generator)
        let moved = order.flatMap { c in
            (0..<2).map { previous[c * 2 + $0] + Float(generator.nextUnit() - 0.5) }
        }
        let match = try ClusterIdentityMatcher(maxSquaredDistance: 4).match(
            newCentroids: moved,
            previousCentroids: previous,
            previousIDs: previousIDs,
            dimension: 2
        )
        #expect(match.ids == order.map { previousIDs[$0] })
        #expect(match.newIDs.isEmpty)
        #expect(match.retiredIDs.isEmpty)
        #expect(match.nextID == 13)
    }

    @Test("a new far cluster gets a fresh id and a vanished one is retired")
    func newAndRetired() throws {
        // Cluster 7 (at 10, 0) vanished; a new cluster appeared at (50, 50).
        let new: [Float] = [0.5, 0, 50, 50, 0, 9.5, 10, 10.5]
        let match = try ClusterIdentityMatcher(maxSquaredDistance: 4).match(
            newCentroids: new,
            previousCentroids: previous,
            previousIDs: previousIDs,
            dimension: 2,
            nextID: 20
        )
        #expect(match.ids == [4, 20, 9, 12])
        #expect(match.newIDs == [20])
        #expect(match.retiredIDs == [7])
        #expect(match.nextID == 21)
    }

    @Test("a split cluster keeps its id on the closer half; more old than new retires the rest")
    func splitAndMerge() throws {
        let split: [Float] = [0, 0.4, 0, -1.5, 10, 0, 0, 10, 10, 10]
        let match = try ClusterIdentityMatcher(maxSquaredDistance: 9).match(
            newCentroids: split,
            previousCentroids: previous,
            previousIDs: previousIDs,
            dimension: 2
        )
        #expect(match.ids == [4, 13, 7, 9, 12])
        let merged: [Float] = [5, 0.2, 5, 10]
        let fewer = try ClusterIdentityMatcher().match(
            newCentroids: merged,
            previousCentroids: previous,
            previousIDs: previousIDs,
            dimension: 2
        )
        #expect(fewer.ids.count == 2)
        #expect(fewer.retiredIDs.count == 2)
        #expect(Set(fewer.ids + fewer.retiredIDs) == Set(previousIDs))
    }

    @Test("bad input is rejected")
    func errors() {
        #expect(throws: KMeansError.invalidPreviousClusters(ids: 3, centroids: 4)) {
            try ClusterIdentityMatcher().match(
                newCentroids: [0, 0],
                previousCentroids: previous,
                previousIDs: [1, 2, 3],
                dimension: 2
            )
        }
        #expect(throws: KMeansError.nonFiniteValue(point: 0, coordinate: 1)) {
            try ClusterIdentityMatcher().match(
                newCentroids: [0, .nan],
                previousCentroids: previous,
                previousIDs: previousIDs,
                dimension: 2
            )
        }
        #expect(throws: KMeansError.clusterIDSpaceExhausted) {
            try ClusterIdentityMatcher(maxSquaredDistance: 1).match(
                newCentroids: [0, 0, 500, 500],
                previousCentroids: [0, 0],
                previousIDs: [UInt32.max],
                dimension: 2
            )
        }
        #expect(throws: KMeansError.duplicateClusterID(4)) {
            try ClusterIdentityMatcher().match(
                newCentroids: [0, 0],
                previousCentroids: previous,
                previousIDs: [4, 4, 5, 6],
                dimension: 2
            )
        }
    }

    @Test("Hungarian assignment is optimal against brute force", arguments: [(3, 3), (2, 4), (4, 2), (5, 5)])
    func hungarianOptimal(rows: Int, columns: Int) {
        var generator = SeededGenerator(seed: UInt64(rows * 10 + columns))
        for _ in 0..<20 {
            let costs = (0..<(rows * columns)).map { _ in (generator.nextUnit() * 100).rounded() }
            let assignment = HungarianAssignment.solve(costs: costs, rows: rows, columns: columns)
            let pairs = assignment.enumerated().compactMap { row, column in column.map { (row, $0) } }
            #expect(pairs.count == min(rows, columns))
            #expect(Set(pairs.map(\.1)).count == pairs.count)
            let total = pairs.reduce(0.0) { $0 + costs[$1.0 * columns + $1.1] }
            #expect(total == bruteForceMinimum(costs, rows: rows, columns: columns))
        }
    }

    private func bruteForceMinimum(_ costs: [Double], rows: Int, columns: Int) -> Double {
        func search(_ row: Int, _ used: Set<Int>, _ skipsLeft: Int) -> Double {
            if row == rows { return 0 }
            var best = Double.infinity
            if skipsLeft > 0 { best = search(row + 1, used, skipsLeft - 1) }
            for column in 0..<columns where !used.contains(column) {
                best = min(best, costs[row * columns + column] + search(row + 1, used.union([column]), skipsLeft))
            }
            return best
        }
        return search(0, [], max(0, rows - columns))
    }
}
