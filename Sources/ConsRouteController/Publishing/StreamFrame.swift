package import NIOCore

/// One server-sent-event frame as the table streams write it: the frame, and the same bytes framed once as an
/// HTTP/1.1 chunk (`<size in hex>\r\n<frame>\r\n`), both shared by every stream.
///
/// A stream on an HTTP/1.1 connection writes `chunk` straight to the socket side of the HTTP encoder: the encoder
/// would otherwise frame the same bytes again for every subscriber (a size line allocated, three buffers written
/// and four handlers crossed per write). Any other stream writes `event` as a body part.
package struct StreamFrame: Sendable {
    /// The server-sent-event frame.
    package let event: ByteBuffer
    /// `event` as one chunk of a chunked HTTP/1.1 body.
    package let chunk: ByteBuffer

    /// Frames `event` once.
    ///
    /// - Complexity: O(size of the frame).
    package init(_ event: ByteBuffer) {
        self.event = event
        var chunk = ByteBuffer()
        chunk.reserveCapacity(event.readableBytes + 16)
        chunk.writeString(String(event.readableBytes, radix: 16))
        chunk.writeStaticString("\r\n")
        chunk.writeImmutableBuffer(event)
        chunk.writeStaticString("\r\n")
        self.chunk = chunk
    }
}
