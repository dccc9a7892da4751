/// A bound on how deeply a YAML document nests, checked on the text before it is composed: composing and reading a
/// document recurse once per level, so 5,000 nested levels overflowed the stack (issue 14). Configuration files
/// and scenarios nest about six levels; the limit leaves ample room.
///
/// The scan is a single pass that needs no parse: block nesting from indentation (and `- ` markers starting a
/// line), flow nesting from brackets and braces outside quotes and comments. It may over-count inside block
/// scalars, which never hold 64 unmatched brackets in a configuration.
package enum YAMLNestingLimit {
    /// The deepest nesting accepted.
    package static let maximumDepth = 64

    /// The first line (1-based) where the nesting exceeds `limit`, and the depth there; nil if it never does.
    ///
    /// - Complexity: O(n) in the text's length, O(limit) memory.
    package static func firstExcess(in text: String, limit: Int = maximumDepth) -> (line: Int, depth: Int)? {
        var indents: [Int] = []
        var flow = 0
        var quote: UInt8?
        var line = 0
        // The block depth of the line where the open flow collections (if any) started.
        var block = 0
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            var bytes = rawLine
            if quote == nil, flow == 0 {
                let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
                bytes = bytes.dropFirst(indent)
                guard let first = bytes.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "\r") else { continue }
                while let last = indents.last, last >= indent { indents.removeLast() }
                if indents.count <= limit { indents.append(indent) }
                var dashes = 0
                while bytes.starts(with: "- ".utf8) || bytes.elementsEqual("-".utf8) {
                    dashes += 1
                    bytes = bytes.dropFirst(2).drop { $0 == UInt8(ascii: " ") }
                }
                block = indents.count + dashes
                if block > limit { return (line, block) }
            }
            var previous: UInt8 = UInt8(ascii: " ")
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                if let open = quote {
                    if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
                        index = bytes.index(after: index)
                    } else if byte == open {
                        quote = nil
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
                    case UInt8(ascii: "#") where previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t"):
                        index = bytes.endIndex
                        continue
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flow += 1
                        if block + flow > limit { return (line, block + flow) }
                    case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(0, flow - 1)
                    default: break
                    }
                }
                previous = byte
                if index < bytes.endIndex { index = bytes.index(after: index) }
            }
        }
        return nil
    }
}
