/// The drift events raised by one observation: a fixed-capacity collection stored inline, so returning it
/// never allocates.
///
/// One observation can raise at most one event per detector it feeds: occupancy, novelty, an outcome event
/// for each of the three tiers, latency and cost, hence ``capacity`` = 7.
public struct DriftEventBatch: RandomAccessCollection, Sendable {
    /// The most events one observation can raise.
    public static let capacity = 7
    private static let emptySlot = DriftEvent(
        kind: .novelty,
        detection: DriftDetection(statistic: 0, threshold: 0, windowLength: 0),
        eventIndex: 0
    )

    private var storage: (DriftEvent, DriftEvent, DriftEvent, DriftEvent, DriftEvent, DriftEvent, DriftEvent) = (
        emptySlot, emptySlot, emptySlot, emptySlot, emptySlot, emptySlot, emptySlot
    )
    private var length = 0

    /// An empty batch.
    public init() {}

    /// The index of the first event (0).
    public var startIndex: Int { 0 }
    /// One past the last event.
    public var endIndex: Int { length }

    /// The event at `position`.
    /// - Parameter position: an index in `0..<count`.
    public subscript(position: Int) -> DriftEvent {
        precondition(position >= 0 && position < length, "DriftEventBatch index \(position) out of 0..<\(length)")
        return withUnsafeBytes(of: storage) {
            $0.load(fromByteOffset: position * MemoryLayout<DriftEvent>.stride, as: DriftEvent.self)
        }
    }

    /// Adds an event.
    /// - Precondition: fewer than ``capacity`` events are stored.
    mutating func append(_ event: DriftEvent) {
        precondition(length < Self.capacity, "DriftEventBatch holds at most \(Self.capacity) events")
        withUnsafeMutableBytes(of: &storage) {
            $0.storeBytes(of: event, toByteOffset: length * MemoryLayout<DriftEvent>.stride, as: DriftEvent.self)
        }
        length += 1
    }
}
