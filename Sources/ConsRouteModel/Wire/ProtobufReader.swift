/// A forward-only reader of the protobuf wire format over borrowed bytes.
///
/// Only what `TelemetryDecoder` needs: varints, fixed32, fixed64, length-delimited fields, and skipping
/// unknown fields. Every failure is a `TelemetryRejection.malformed` naming what is wrong.
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    /// The next field's number and wire type.
    mutating func readTag() throws(TelemetryRejection) -> (field: Int, wireType: Int) {
        let key = try readVarint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0, key >> 3 <= 0x1FFF_FFFF else { throw .malformed("invalid field number at byte \(offset)") }
        return (field, Int(key & 7))
    }

    mutating func readVarint() throws(TelemetryRejection) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .malformed("truncated varint at byte \(offset)") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63, byte > 1 { throw .malformed("varint overflows 64 bits at byte \(offset - 1)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .malformed("varint longer than 10 bytes at byte \(offset)") }
        }
    }

    mutating func readFixed32() throws(TelemetryRejection) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw .malformed("truncated fixed32 at byte \(offset)") }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    mutating func readFloat() throws(TelemetryRejection) -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// The bytes of a length-delimited field.
    mutating func readLengthDelimited() throws(TelemetryRejection) -> UnsafeRawBufferPointer {
        let length = try readVarint()
        guard length <= UInt64(bytes.count - offset) else {
            throw .malformed("length \(length) runs past the end of the message at byte \(offset)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return slice
    }

    /// A length-delimited field as a UTF-8 string.
    mutating func readString(field: String) throws(TelemetryRejection) -> String {
        let slice = try readLengthDelimited()
        guard let text = String(validating: slice, as: UTF8.self) else { throw .malformed("\(field) is not UTF-8") }
        return text
    }

    /// Appends a repeated float field's values, packed (wire type 2) or not (wire type 5).
    mutating func appendFloats(to values: inout [Float], wireType: Int, field: String) throws(TelemetryRejection) {
        switch wireType {
        case 5:
            values.append(try readFloat())
        case 2:
            let slice = try readLengthDelimited()
            guard slice.count % 4 == 0 else {
                throw .malformed("packed \(field) has \(slice.count) bytes, not a multiple of 4")
            }
            let count = slice.count / 4
            values.reserveCapacity(values.count + count)
            for index in 0..<count {
                values.append(
                    Float(
                        bitPattern: UInt32(
                            littleEndian: slice.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                        )
                    )
                )
            }
        default:
            throw .malformed("\(field) has wire type \(wireType), expected 2 or 5")
        }
    }

    /// Skips a field this decoder does not know.
    mutating func skip(wireType: Int) throws(TelemetryRejection) {
        switch wireType {
        case 0: _ = try readVarint()
        case 1:
            guard offset + 8 <= bytes.count else { throw .malformed("truncated fixed64 at byte \(offset)") }
            offset += 8
        case 2: _ = try readLengthDelimited()
        case 5: _ = try readFixed32()
        default: throw .malformed("unsupported wire type \(wireType) at byte \(offset)")
        }
    }

    static func expect(_ wireType: Int, _ expected: Int, _ field: String) throws(TelemetryRejection) {
        guard wireType == expected else {
            throw .malformed("\(field) has wire type \(wireType), expected \(expected)")
        }
    }
}
