import Foundation

/// Finds the ends of `event: table` server-sent events in one subscriber's body bytes and yields their ids, without
/// copying the data lines: the benchmark's subscribers only need the version and the moment the event is complete.
///
/// Lines may be split across reads; only the first `prefixLimit` bytes of each line are kept, enough for the
/// `event:` and `id:` fields.
struct ReceiptScanner {
    private static let prefixLimit = 32
    private static let eventPrefix = Array("event: ".utf8)
    private static let idPrefix = Array("id: ".utf8)
    private static let tableType = Array("table".utf8)

    private var prefix: [UInt8] = []
    private var lineLength = 0
    private var eventType: [UInt8] = []
    private var id: UInt64?

    init() { prefix.reserveCapacity(Self.prefixLimit) }

    /// Scans `bytes` and calls `onTable` with the id of each table event that ends in them.
    ///
    /// - Complexity: O(bytes), with `memchr` over data lines.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, onTable: (UInt64?) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            let found = memchr(base + offset, Int32(UInt8(ascii: "\n")), remaining)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            let room = Self.prefixLimit - prefix.count
            if room > 0 {
                let take = min(room, end - offset)
                prefix.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: take))
            }
            lineLength += end - offset
            guard found != nil else { return }
            endLine(onTable: onTable)
            offset = end + 1
        }
    }

    private mutating func endLine(onTable: (UInt64?) -> Void) {
        if lineLength == 0 {
            if eventType == Self.tableType { onTable(id) }
            eventType = []
            id = nil
        } else if prefix.starts(with: Self.eventPrefix) {
            eventType = Array(prefix.dropFirst(Self.eventPrefix.count))
        } else if prefix.starts(with: Self.idPrefix) {
            id = UInt64(String(decoding: prefix.dropFirst(Self.idPrefix.count), as: UTF8.self))
        }
        prefix.removeAll(keepingCapacity: true)
        lineLength = 0
    }
}
