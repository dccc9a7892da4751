import ConsRouteModel
import Testing

@Suite("ServerSentEvent and ServerSentEventParser")
struct ServerSentEventParserTests {
    @Test("nothing, a comment, or an event without data yields no event")
    func empty() {
        var parser = ServerSentEventParser()
        #expect(parser.parse([UInt8]()).isEmpty)
        #expect(parser.parse(Array(": heartbeat\n\n".utf8)).isEmpty)
        #expect(parser.parse(Array("id: 4\n\n".utf8)).isEmpty)
        #expect(parser.lastEventID == "4")
    }

    @Test("one encoded event parses back to itself")
    func roundTrip() {
        let event = ServerSentEvent(event: "table", id: "12", data: Array(#"{"a":1}"#.utf8))
        var parser = ServerSentEventParser()
        #expect(parser.parse(event.encoded()) == [event])
        #expect(parser.lastEventID == "12")
    }

    @Test("two events, CRLF and CR line ends, multi-line data, a field without value, unknown fields")
    func lineEnds() {
        var parser = ServerSentEventParser()
        let text = "event: a\r\ndata: x\r\ndata\r\nretry: 10\r\nfoo: bar\r\n\r\nevent:b\rid:7\rdata:y\r\r"
        #expect(
            parser.parse(Array(text.utf8)) == [
                ServerSentEvent(event: "a", id: nil, data: Array("x\n".utf8)),
                ServerSentEvent(event: "b", id: "7", data: Array("y".utf8)),
            ]
        )
    }

    @Test("seeded random chunkings of a stream give the same events as one chunk")
    func chunking() {
        let events = (1...20).map { index in
            ServerSentEvent(
                event: "table",
                id: String(index),
                data: Array(String(repeating: "v\(index),", count: index * 50).utf8)
            )
        }
        var stream: [UInt8] = []
        for event in events {
            stream += event.encoded()
            stream += Array(": heartbeat\r\n\r\n".utf8)
        }
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<50 {
            var parser = ServerSentEventParser()
            var parsed: [ServerSentEvent] = []
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + 1 + Int(generator.next() % 700))
                parsed += parser.parse(stream[start..<end])
                start = end
            }
            #expect(parsed == events)
            #expect(parser.lastEventID == "20")
        }
    }
}
