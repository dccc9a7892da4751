import ConsRouteModel
import Testing

@Suite("The kernel's SIMD paths")
struct RoutingKernelTests {
    /// Brute-force float64 nearest centroid, ties to the lowest index.
    private func referenceNearest(_ x: [Float], _ table: ThresholdTable) -> Int {
        var best = Double.infinity
        var bestIndex = 0
        for (index, cluster) in table.clusters.enumerated() {
            var sum = 0.0
            for (value, mean) in zip(x, cluster.centroid) {
                sum += (Double(value) - Double(mean)) * (Double(value) - Double(mean))
            }
            if sum < best {
                best = sum
                bestIndex = index
            }
        }
        return bestIndex
    }

    @Test("this machine runs the scalar path and the widest one it has; x86-64 always has SSE2")
    func supported() {
        let supported = RoutingKernel.supported
        #expect(supported.contains(.scalar))
        #if arch(x86_64)
            #expect(supported.contains(.sse2))
            #expect(!supported.contains(.neon))
        #elseif arch(arm64)
            #expect(supported.contains(.neon))
        #endif
        #expect(supported.contains(RoutingKernel.selected))
        #expect(
            RoutingKernel.allCases.map(\.description) == ["scalar", "sse2", "avx2", "avx512", "neon", "avx512vnni"]
        )
        if supported.contains(.avx512vnni) { #expect(supported.contains(.avx512)) }
    }

    @Test(
        "every path equals the float64 argmin, near-ties included",
        arguments: [
            (64, 16), (7, 3), (33, 40), (1, 2), (128, 17), (384, 16), (2048, 16), (2048, 64), (13, 64), (384, 64),
            (1001, 13), (8192, 2), (8193, 2), (128, 32), (130, 33), (130, 65), (128, 64), (191, 42), (192, 22),
            (200, 21), (64, 128),
        ]
    )
    func everyPathIsExact(dimension: Int, clusters: Int) {
        var generator = SeededGenerator(seed: UInt64(dimension * 1000 + clusters))
        let table = Fixtures.table(seed: UInt64(clusters), dimension: dimension, clusters: clusters)
        let policy = RoutingPolicy(table: table)
        // The crossover measured on Zen 4 (RoutingScreen.pays): 4,096 floats from d = 192, 8,192 from d = 128.
        let floats = dimension >= 192 ? 4_096 : 8_192
        #expect(policy.isScreened == (dimension * clusters >= floats && dimension >= 128 && dimension <= 8192))
        let queries = dimension >= 2048 ? 60 : 400
        for query in 0..<queries {
            var x: [Float]
            if query % 4 == 3 && clusters > 1 {
                // On the bisector of two centroids, one float32 step towards the second: a near-tie.
                let a = table.clusters[query % clusters].centroid
                let b = table.clusters[
                    (query / 4) % clusters == query % clusters ? (query + 1) % clusters : (query / 4) % clusters
                ].centroid
                x = zip(a, b).map { ($0 + $1) / 2 }
                for j in x.indices where b[j] != x[j] { x[j] = b[j] > x[j] ? x[j].nextUp : x[j].nextDown }
            } else {
                let center = table.clusters[Int(generator.next() % UInt64(clusters))].centroid
                x = center.map { $0 + Float.random(in: -0.6...0.6, using: &generator) }
            }
            let expected = referenceNearest(x, table)
            for kernel in RoutingKernel.supported {
                let index = x.withUnsafeBufferPointer { policy.nearestCluster($0, kernel: kernel).index }
                #expect(index == expected, "\(kernel), d=\(dimension), k=\(clusters), query \(query)")
            }
            if policy.isScreened {
                let screened = x.withUnsafeBufferPointer { policy.screenedReferenceNearest($0) }
                #expect(screened == expected, "screen reference, d=\(dimension), k=\(clusters), query \(query)")
            }
        }
    }

    @Test(
        "the int8 screen decides as the float kernels on queries at the edges of float32",
        arguments: [(2048, 16), (1001, 13)]
    )
    func screenAtTheEdges(dimension: Int, clusters: Int) {
        let table = Fixtures.table(seed: 5, dimension: dimension, clusters: clusters)
        let policy = RoutingPolicy(table: table)
        #expect(policy.isScreened)
        let c3 = table.clusters[3].centroid
        let queries: [(String, [Float])] = [
            ("zero", [Float](repeating: 0, count: dimension)),
            ("a centroid", c3),
            ("subnormal", c3.map { $0 * 0x1p-140 }),
            ("one large value", c3.enumerated().map { $0.offset == 7 ? 3e18 : $0.element }),
            ("overflowing norm", c3.map { $0 * 1e30 }),
            ("one dimension only", (0..<dimension).map { $0 == dimension - 1 ? 1 : 0 }),
        ]
        for (name, x) in queries {
            let expected = referenceNearest(x, table)
            for kernel in RoutingKernel.supported {
                let index = x.withUnsafeBufferPointer { policy.nearestCluster($0, kernel: kernel).index }
                #expect(index == expected, "\(name), \(kernel)")
            }
            #expect(x.withUnsafeBufferPointer { policy.screenedReferenceNearest($0) } == expected, "\(name)")
        }
        // NaN: every path gives the float kernel's answer (whatever the float64 fallback makes of it).
        var nan = c3
        nan[11] = .nan
        let answers = Set(
            RoutingKernel.supported.map { kernel in
                nan.withUnsafeBufferPointer { policy.nearestCluster($0, kernel: kernel).index }
            }
        )
        #expect(answers.count == 1)
    }

    @Test(
        "every path agrees on novelty at the radius, decided in float64 when float32 cannot tell",
        arguments: [64, 2048]
    )
    func noveltyAtTheRadius(dimension: Int) {
        var table = Fixtures.table(dimension: dimension, clusters: 16)
        let x = table.clusters[2].centroid.map { $0 + 0.125 }
        let exact = zip(x, table.clusters[2].centroid).reduce(0.0) {
            $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1))
        }
        // The radius one float32 step either side of the exact distance: inside, then outside.
        for (radius, novel) in [(Float(exact).nextUp, false), (Float(exact).nextDown, true)] {
            table.clusters[2].radius2 = radius
            let policy = RoutingPolicy(table: table)
            for kernel in RoutingKernel.supported {
                let decision = x.withUnsafeBufferPointer {
                    policy.decide(representation: $0, pDevice: 0, pEdge: 0, kernel: kernel)
                }
                #expect(decision.clusterIndex == 2)
                #expect(decision.isNovel == novel, "\(kernel), radius \(radius)")
            }
        }
    }

    @Test(
        "the control plane's placement is the same bits on every path: cluster, float64 distance, novelty",
        arguments: [(64, 16), (384, 16), (384, 64), (2048, 16)]
    )
    func exactPlacementIsPathIndependent(dimension: Int, clusters: Int) {
        var generator = SeededGenerator(seed: UInt64(dimension + clusters))
        var table = Fixtures.table(seed: 3, dimension: dimension, clusters: clusters)
        // Radii at the typical distance of the queries below, so that some fall outside and some inside.
        for index in table.clusters.indices { table.clusters[index].radius2 = Float(dimension) * 0.12 }
        let policy = RoutingPolicy(table: table)
        var outside = 0
        for _ in 0..<100 {
            let center = table.clusters[Int(generator.next() % UInt64(clusters))].centroid
            let x = center.map { $0 + Float.random(in: -0.6...0.6, using: &generator) }
            let nearest = referenceNearest(x, table)
            let exact = zip(x, table.clusters[nearest].centroid).reduce(0.0) {
                $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1))
            }
            let placements = RoutingKernel.supported.map { kernel in
                x.withUnsafeBufferPointer { policy.exactPlacement($0, kernel: kernel) }
            }
            for (kernel, placement) in zip(RoutingKernel.supported, placements) {
                #expect(placement.index == nearest, "\(kernel)")
                #expect(placement.distance2.bitPattern == placements[0].distance2.bitPattern, "\(kernel)")
                #expect(abs(placement.distance2 - exact) <= 1e-12 * exact, "\(kernel)")
                #expect(placement.isOutside == (exact > Double(table.clusters[nearest].radius2)), "\(kernel)")
            }
            if placements[0].isOutside { outside += 1 }
        }
        #expect(outside > 0 && outside < 100)
    }

    @Test("selecting a path changes what runs, not what is decided")
    func select() {
        let before = RoutingKernel.selected
        defer { RoutingKernel.select(before) }
        let table = Fixtures.table(dimension: 64, clusters: 16)
        let policy = RoutingPolicy(table: table)
        let x = table.clusters[5].centroid.map { $0 * 0.9 }
        for kernel in RoutingKernel.supported {
            #expect(RoutingKernel.select(kernel))
            #expect(x.withUnsafeBufferPointer { policy.nearestCluster($0).index } == 5)
        }
        #if arch(x86_64)
            #expect(!RoutingKernel.select(.neon))
        #endif
    }

    @Test(
        "the int8 screen runs on avx512vnni for every screened table, on avx2 from 12,288 floats at d >= 384",
        arguments: [
            (384, 16, false), (384, 32, true), (384, 64, true), (2048, 16, true), (1001, 13, true), (256, 64, false),
        ]
    )
    func whereTheScreenRuns(dimension: Int, clusters: Int, onAVX2: Bool) {
        let policy = RoutingPolicy(table: Fixtures.table(dimension: dimension, clusters: clusters))
        #expect(policy.isScreened)
        for kernel in RoutingKernel.supported {
            let expected =
                switch kernel {
                case .avx512vnni: true
                case .avx2: onAVX2
                default: false
                }
            #expect(policy.runsScreen(on: kernel) == expected, "\(kernel)")
        }
        // A table too small for a screen runs none anywhere.
        let small = RoutingPolicy(table: Fixtures.table(dimension: 64, clusters: 16))
        #expect(!small.isScreened && RoutingKernel.supported.allSatisfy { !small.runsScreen(on: $0) })
    }
}
