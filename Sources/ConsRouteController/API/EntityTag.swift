/// The `ETag` of a table, its version in quotes, and the `If-None-Match` comparison (RFC 9110 §13.1.2: weak
/// comparison, a list of tags, or `*`).
enum EntityTag {
    /// The tag of `version`: `"<version>"`.
    static func of(version: UInt64) -> String { "\"\(version)\"" }

    /// Whether an `If-None-Match` header value matches the tag of `version`.
    ///
    /// - Complexity: O(header length).
    static func ifNoneMatch(_ header: String?, matches version: UInt64) -> Bool {
        guard let header else { return false }
        let wanted = of(version: version)
        for item in header.split(separator: ",") {
            var tag = item.drop(while: { $0 == " " || $0 == "\t" })
            while tag.last == " " || tag.last == "\t" { tag = tag.dropLast() }
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == wanted { return true }
        }
        return false
    }

    /// Reads a `Last-Event-ID` header: the version the client holds.
    ///
    /// - Throws: `APIError.badParameter` naming the header if it is not a version.
    static func lastEventID(_ header: String?) throws(APIError) -> UInt64 {
        guard let header else { return 0 }
        guard let version = UInt64(header.drop(while: { $0 == " " })) else {
            throw .badParameter(
                name: "Last-Event-ID",
                reason: "must be a table version (an integer >= 0), got \(header)"
            )
        }
        return version
    }
}
