/// The answer to a table request: a table to apply, or nothing newer than what the caller holds.
public enum TableResponse: Sendable, Equatable {
    /// 200: the signed envelope's bytes and the version its `ETag` names.
    case table(envelope: [UInt8], version: UInt64)
    /// 304: nothing newer; the version the caller should hold, if the fleet has a table for it.
    case notModified(version: UInt64?)
}
