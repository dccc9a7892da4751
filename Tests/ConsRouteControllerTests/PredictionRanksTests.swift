import Testing

@testable import ConsRouteLoop

@Suite("Prediction ranks (the per-step limit's unit)")
struct PredictionRanksTests {
    /// 1,000 predictions spread over (0, 1), and the same ones squeezed into [0.97, 0.99].
    let spread: [Float] = (0..<1_000).map { Float($0 * 7 % 1_000) / 1_000 + 0.0005 }
    var squeezed: [Float] { spread.map { 0.97 + 0.02 * $0 } }

    @Test("a threshold moves across at most the step's share of the predictions, in either direction")
    func limitIsAShare() {
        let axis = PredictionRanks(pDevice: spread, pEdge: []).device
        #expect(axis.share(below: 0.5) == 0.5 && axis.share(below: 0) == 0 && axis.share(below: 1) == 1)
        // From 1 (nothing below the cloud) toward 0.1: stops where 25 % of the predictions are at or above it.
        let down = axis.limit(0.1, from: 1, share: 0.25)
        #expect(abs(axis.share(below: down) - 0.75) <= 0.001, "\(down)")
        // From 0.2 up to 0.9: stops 25 % of the predictions higher.
        let up = axis.limit(0.9, from: 0.2, share: 0.25)
        #expect(abs(axis.share(below: up) - 0.45) <= 0.001, "\(up)")
        // Within the step: unchanged; no predictions: unchanged.
        #expect(axis.limit(0.6, from: 0.5, share: 0.25) == 0.6)
        #expect(PredictionRanks(pDevice: [], pEdge: []).device.limit(0.1, from: 1, share: 0.25) == 0.1)
    }

    @Test("the limit crosses the same predictions when the head squeezes them into [0.97, 0.99]")
    func sameWhateverTheRange() {
        let wide = PredictionRanks(pDevice: spread, pEdge: spread)
        let narrow = PredictionRanks(pDevice: squeezed, pEdge: squeezed)
        for (from, to) in [(Float(1), Float(0.05)), (0.3, 0.95), (0.8, 0.6), (0.5, 0.2)] {
            let limited = wide.device.limit(to, from: from, share: 0.25)
            let squeezedLimited = narrow.device.limit(
                0.97 + 0.02 * to,
                from: from == 1 ? 1 : 0.97 + 0.02 * from,
                share: 0.25
            )
            #expect(
                abs(wide.device.share(below: limited) - narrow.device.share(below: squeezedLimited)) <= 0.002,
                "\(from) → \(to): \(limited) vs \(squeezedLimited)"
            )
        }
    }
}
