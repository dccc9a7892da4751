public import ConsRouteModel
import Foundation
import Synchronization

/// The router a device embeds: applies verified tables, routes queries, and keeps the last good table.
///
/// Thread-safe: tables are applied from the subscription thread while queries are routed from any other.
/// Routing takes a short lock to read the current compiled table, then decides without allocating.
/// For the tightest loops, `policy` hands out the compiled table to decide with directly.
public final class DeviceRouter: Sendable {
    /// The router's configuration.
    public let configuration: RouterConfiguration
    private let verifier: TableVerifier
    private let store: LastGoodTableStore?
    private let clock: @Sendable () -> Int64
    private let state = Mutex<Installed?>(nil)

    /// One reference for the table in use, so that reading it under the lock retains one object.
    private final class Installed: Sendable {
        let signed: SignedTable
        let policy: RoutingPolicy
        let expiresAtMs: Int64

        init(signed: SignedTable, policy: RoutingPolicy) {
            self.signed = signed
            self.policy = policy
            expiresAtMs = signed.table.expiresAtMs
        }

        /// Decides with the compiled table in place: `policy` is an immutable stored property of this object, so
        /// the call borrows it, where `installed.policy.decide(…)` from outside copied the struct (one retain and
        /// release per array in it).
        func decide(
            _ representation: UnsafeBufferPointer<Float>,
            pDevice: Float,
            pEdge: Float,
            turn: TurnContext?,
            stale: Bool
        ) -> RoutingDecision {
            policy.decide(representation: representation, pDevice: pDevice, pEdge: pEdge, turn: turn, stale: stale)
        }
    }

    /// Creates a router and reloads the last good table from `configuration.stateDirectory`, if any.
    ///
    /// A stored table is verified again (key, signature, fingerprint) before use; an expired one is still
    /// loaded and routes with its cloud-leaning `novel` thresholds until a fresh table arrives.
    /// - Parameter clock: the current time in Unix milliseconds (injected for tests).
    /// - Throws: `RouterError.storage` if the stored table cannot be read. A stored table that no longer
    ///   verifies (e.g. the key was rotated away) is ignored, not an error: `loadedFromDisk` is then nil.
    public init(
        configuration: RouterConfiguration,
        clock: @escaping @Sendable () -> Int64 = DeviceRouter.systemClock
    ) throws(RouterError) {
        self.configuration = configuration
        self.verifier = TableVerifier(configuration: configuration)
        self.clock = clock
        store = configuration.stateDirectory.map { LastGoodTableStore(directory: $0, fleet: configuration.fleet) }
        if let envelope = try store?.load(),
            let signed = try? SignedTable(envelope: envelope),
            case .apply(let verified)? = try? verifier.verify(signed, held: nil, nowMs: Int64.min, checkCohort: false)
        {
            state.withLock { $0 = Installed(signed: verified, policy: RoutingPolicy(table: verified.table)) }
        }
    }

    /// The table in use, if any.
    public var table: SignedTable? { state.withLock { $0?.signed } }

    /// The compiled table in use, if any: decide with it directly in tight loops.
    public var policy: RoutingPolicy? { state.withLock { $0?.policy } }

    /// Verifies a received envelope and applies it if every check passes; persists it as the last good
    /// table. Always returns the acknowledgement to report (applied, or rejected with the reason).
    public func apply(envelope: [UInt8]) -> TableAcknowledgement {
        let now = clock()
        let held = table
        var attemptedVersion: UInt64 = 0
        do throws(RouterError) {
            let received: SignedTable
            do {
                received = try SignedTable(envelope: envelope)
            } catch {
                throw RouterError.malformedTable.with("\(error)")
            }
            attemptedVersion = received.table.version
            switch try verifier.verify(received, held: held, nowMs: now, checkCohort: true) {
            case .alreadyHeld(let signed):
                return acknowledgement(version: signed.table.version, error: nil, now: now)
            case .apply(let signed):
                try store?.save(signed.envelopeBytes())
                let installed = Installed(signed: signed, policy: RoutingPolicy(table: signed.table))
                let lost = state.withLock { current -> Bool in
                    // Another thread may have applied a newer table meanwhile: never go back.
                    if let current, current.signed.table.version >= signed.table.version { return true }
                    current = installed
                    return false
                }
                if lost {
                    throw RouterError.versionNotNewer.with("a newer table was applied concurrently")
                }
                return acknowledgement(version: signed.table.version, error: nil, now: now)
            }
        } catch {
            return acknowledgement(version: attemptedVersion, error: error, now: now)
        }
    }

    /// Routes one query with the current table.
    ///
    /// - Parameters:
    ///   - representation: the query's representation (the fleet's d floats).
    ///   - turn: the conversation state for multi-turn queries.
    /// - Throws: `RouterError.noTable` before any table was applied, `.wrongDimension` for a
    ///   representation of the wrong length.
    public func route(
        representation: UnsafeBufferPointer<Float>,
        pDevice: Float,
        pEdge: Float,
        turn: TurnContext? = nil
    ) throws(RouterError) -> RoutingDecision {
        guard let installed = state.withLock({ $0 }) else { throw RouterError.noTable.with("no table applied yet") }
        guard representation.count == installed.policy.dimension else {
            throw RouterError.wrongDimension.with(
                "representation has \(representation.count) values, the table has \(installed.policy.dimension)"
            )
        }
        let stale = clock() >= installed.expiresAtMs
        return installed.decide(representation, pDevice: pDevice, pEdge: pEdge, turn: turn, stale: stale)
    }

    /// Routes `count` queries with the table in use, read once for the whole batch (one lock, one clock read).
    ///
    /// - Parameters:
    ///   - representations: `count` rows of the table's d floats, one after the other.
    ///   - query: the scores and turn context of query `i`.
    ///   - result: receives each decision with its query's index and the deciding table's version, in order.
    /// - Throws: `RouterError.noTable` before any table was applied, `.wrongDimension` if `representations`
    ///   does not hold `count` rows of the table's dimension (nothing is routed then).
    public func route(
        batch count: Int,
        representations: UnsafeBufferPointer<Float>,
        query: (Int) -> (pDevice: Float, pEdge: Float, turn: TurnContext?),
        result: (_ index: Int, _ decision: RoutingDecision, _ version: UInt64) -> Void
    ) throws(RouterError) {
        guard let installed = state.withLock({ $0 }) else { throw RouterError.noTable.with("no table applied yet") }
        let d = installed.policy.dimension
        guard count >= 0, representations.count == count * d else {
            throw RouterError.wrongDimension.with(
                "\(representations.count) values are not \(count) representations of \(d) values"
            )
        }
        let stale = clock() >= installed.expiresAtMs
        let version = installed.policy.version
        for index in 0..<count {
            let (pDevice, pEdge, turn) = query(index)
            let row = UnsafeBufferPointer(start: representations.baseAddress! + index * d, count: d)
            result(index, installed.decide(row, pDevice: pDevice, pEdge: pEdge, turn: turn, stale: stale), version)
        }
    }

    /// Routes one query held in an array.
    public func route(representation: [Float], pDevice: Float, pEdge: Float, turn: TurnContext? = nil)
        throws(RouterError) -> RoutingDecision
    {
        try representation.withUnsafeBufferPointer { buffer throws(RouterError) in
            try route(representation: buffer, pDevice: pDevice, pEdge: pEdge, turn: turn)
        }
    }

    /// The system clock in Unix milliseconds.
    public static let systemClock: WallClock.Source = WallClock.system

    private func acknowledgement(version: UInt64, error: RouterError?, now: Int64) -> TableAcknowledgement {
        TableAcknowledgement(
            fleet: configuration.fleet,
            deviceID: configuration.deviceID,
            version: version,
            applied: error == nil,
            reason: error.map { "\($0)" } ?? "",
            timeUnixMs: now
        )
    }
}
