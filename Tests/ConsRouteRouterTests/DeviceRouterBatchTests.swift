import ConsRouteModel
import ConsRouteRouter
import Foundation
import Testing

@Suite("Device router: routing a batch")
struct DeviceRouterBatchTests {
    let fixture = RouterFixture()

    @Test("a batch decides as one route() per query, with the table's version")
    func batchEqualsOneByOne() throws {
        let router = try fixture.router()
        #expect(router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 4))).applied)
        var generator = SeededGenerator(seed: 11)
        let count = 50
        let x = (0..<count * 8).map { _ in Float.random(in: -1.5...1.5, using: &generator) }
        let scores = (0..<count).map { _ in
            (Float.random(in: 0...1, using: &generator), Float.random(in: 0...1, using: &generator))
        }
        let turns: [TurnContext?] = (0..<count).map {
            $0 % 3 == 0 ? nil : TurnContext(previousTier: .cloud, contextTokens: UInt32($0 * 100))
        }
        var batch: [RoutingDecision] = []
        try x.withUnsafeBufferPointer { rows in
            try router.route(
                batch: count,
                representations: rows,
                query: { (scores[$0].0, scores[$0].1, turns[$0]) },
                result: { index, decision, version in
                    #expect(index == batch.count)
                    #expect(version == 4)
                    batch.append(decision)
                }
            )
        }
        for index in 0..<count {
            let single = try router.route(
                representation: Array(x[index * 8..<(index + 1) * 8]),
                pDevice: scores[index].0,
                pEdge: scores[index].1,
                turn: turns[index]
            )
            #expect(batch[index] == single)
        }
    }

    @Test("a batch before any table, or of the wrong size, routes nothing and says why")
    func batchErrors() throws {
        let router = try fixture.router()
        let x = [Float](repeating: 0, count: 16)
        var routed = 0
        #expect(throws: RouterError.noTable) {
            try x.withUnsafeBufferPointer { rows in
                try router.route(
                    batch: 2,
                    representations: rows,
                    query: { _ in (0, 0, nil) },
                    result: { _, _, _ in routed += 1 }
                )
            }
        }
        #expect(router.apply(envelope: try fixture.envelope(RouterFixture.table())).applied)
        #expect(throws: RouterError.wrongDimension) {
            try x.withUnsafeBufferPointer { rows in
                try router.route(
                    batch: 3,
                    representations: rows,
                    query: { _ in (0, 0, nil) },
                    result: { _, _, _ in routed += 1 }
                )
            }
        }
        #expect(routed == 0)
    }
}
