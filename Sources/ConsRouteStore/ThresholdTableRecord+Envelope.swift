public import ConsRouteModel

extension ThresholdTableRecord {
    /// The stored envelope parsed back into a signed table (the store writes it verbatim and never parses it
    /// itself; readers that need the table call this). The signature is not checked here.
    ///
    /// - Throws: `TableFormatError` naming the envelope or table field at fault.
    public func signedTable() throws(TableFormatError) -> SignedTable {
        try SignedTable(envelope: Array(envelope.utf8))
    }
}
