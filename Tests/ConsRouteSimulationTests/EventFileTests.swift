import ConsRouteModel
import Foundation
import Testing

@testable import ConsRouteSimulation

@Suite("Event files")
struct EventFileTests {
    private func generated(_ count: Int) throws -> [TelemetryEvent] {
        var generator = ScenarioGenerator(scenario: try driftingScenario(events: count))
        var events: [TelemetryEvent] = []
        while let event = generator.next() { events.append(event) }
        return events
    }

    private func write(_ events: [TelemetryEvent], to path: String) throws {
        let writer = try EventFileWriter(path: path)
        for event in events { try writer.write(event) }
        try writer.close()
    }

    private func readAll(_ path: String) throws -> [TelemetryEvent] {
        let reader = try EventFileReader(path: path)
        var events: [TelemetryEvent] = []
        while let event = try reader.nextEvent() { events.append(event) }
        return events
    }

    private func text(of error: () throws -> Void) -> String {
        do {
            try error()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "JSON lines and length-delimited protobuf round-trip one, two and many events exactly",
        arguments: ["jsonl", "pb"]
    )
    func roundTrip(suffix: String) throws {
        for count in [1, 2, 3_000] {
            let events = try generated(count)
            let path = temporaryPath(suffix)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try write(events, to: path)
            let reader = try EventFileReader(path: path)
            #expect(reader.fleet == "small" && reader.dimension == 8)
            #expect(try readAll(path) == events)
        }
    }

    @Test("JSON lines: the line and field at fault")
    func malformedJSON() throws {
        let events = try generated(3)
        let path = temporaryPath("jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bad = events[1]
        bad.pDevice = 1.5
        let lines = [events[0].jsonString(), "", bad.jsonString(), events[2].jsonString()]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(text { _ = try readAll(path) } == "\(path):3: p_device is 1.5, outside [0, 1]")
        try Data((events[0].jsonString() + "\n{\"fleet\": \"small\", \"colour\": 1}\n").utf8).write(
            to: URL(fileURLWithPath: path)
        )
        let unknownField = text { _ = try readAll(path) }
        #expect(unknownField.hasPrefix("\(path):2: malformed message") && unknownField.contains("colour"))
        var otherFleet = events[2]
        otherFleet.fleet = "other"
        try Data((events[0].jsonString() + "\n" + otherFleet.jsonString()).utf8).write(to: URL(fileURLWithPath: path))
        #expect(text { _ = try readAll(path) } == "\(path):2: unknown fleet \"other\"")
    }

    @Test("length-delimited protobuf: the record index and field at fault, truncation, empty files")
    func malformedProtobuf() throws {
        let events = try generated(3)
        let path = temporaryPath("pb")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bad = events[2]
        bad.shadow!.latencyMs.edge = -3
        try write([events[0], events[1], bad], to: path)
        #expect(text { _ = try readAll(path) } == "\(path): record 2: shadow.latency_ms[edge] is -3.0, must be >= 0")
        try write(events, to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.dropLast(5).write(to: URL(fileURLWithPath: path))
        #expect(text { _ = try readAll(path) }.hasPrefix("\(path): record 2: truncated record"))
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(text { _ = try readAll(path) } == "\(path): the file holds no event")
        #expect(text { _ = try EventFileReader(path: "events.csv") }.contains("unknown event file format"))
    }

    @Test("after a bad record's content the reader goes on with the next; after broken framing it cannot")
    func skippableFaults() throws {
        let events = try generated(4)
        var bad = events[2]
        bad.pDevice = -1
        let jsonPath = temporaryPath("jsonl")
        defer { try? FileManager.default.removeItem(atPath: jsonPath) }
        let lines = [
            events[0].jsonString(), events[1].jsonString(), "{not json", bad.jsonString(), events[3].jsonString(),
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: jsonPath))
        let reader = try EventFileReader(path: jsonPath)
        var read: [TelemetryEvent] = []
        var faults: [EventFileError] = []
        while true {
            do {
                guard let event = try reader.nextEvent() else { break }
                #expect(!reader.canSkipLastFault)
                read.append(event)
            } catch {
                #expect(reader.canSkipLastFault && !error.isFraming)
                faults.append(error)
            }
        }
        #expect(read == [events[0], events[1], events[3]])
        #expect(
            faults.map(\.description).map { $0.prefix(jsonPath.count + 3) } == ["\(jsonPath):3:", "\(jsonPath):4:"]
        )

        // A line over the 64 KiB message limit (here 3 MiB, read in 1 MiB chunks) is read past, not kept, and
        // reported with its length; the next line is read.
        let longPath = temporaryPath("jsonl")
        defer { try? FileManager.default.removeItem(atPath: longPath) }
        let long = String(repeating: "x", count: 3 << 20)
        try Data([events[0].jsonString(), long, events[1].jsonString(), long].joined(separator: "\n").utf8).write(
            to: URL(fileURLWithPath: longPath)
        )
        let longReader = try EventFileReader(path: longPath)
        #expect(try longReader.nextEvent() == events[0])
        for (line, expected) in [(2, events[1]), (4, nil)] {
            do {
                _ = try longReader.nextEvent()
                Issue.record("a line over the limit was read")
            } catch {
                #expect(longReader.canSkipLastFault)
                #expect(
                    error.description == "\(longPath):\(line): message is \(3 << 20) bytes, over the 65536-byte limit"
                )
            }
            #expect(try longReader.nextEvent() == expected)
        }

        // A protobuf file cut off inside its last record: the records before it stand, and the reader is at the end.
        let pbPath = temporaryPath("pb")
        defer { try? FileManager.default.removeItem(atPath: pbPath) }
        try write(events, to: pbPath)
        try Data(contentsOf: URL(fileURLWithPath: pbPath)).dropLast(5).write(to: URL(fileURLWithPath: pbPath))
        let cut = try EventFileReader(path: pbPath)
        for index in 0..<3 { #expect(try cut.nextEvent() == events[index]) }
        do {
            _ = try cut.nextEvent()
            Issue.record("a truncated record was read")
        } catch {
            #expect(
                cut.canSkipLastFault && !error.isFraming && error.description.contains("record 3: truncated record")
            )
        }
        #expect(try cut.nextEvent() == nil)

        // A length prefix that is no varint: the records after it cannot be found.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: pbPath))
        try write([events[0]], to: pbPath)
        bytes = try Data(contentsOf: URL(fileURLWithPath: pbPath)) + Data(repeating: 0xFF, count: 12) + bytes
        try bytes.write(to: URL(fileURLWithPath: pbPath))
        let broken = try EventFileReader(path: pbPath)
        #expect(try broken.nextEvent() == events[0])
        do {
            _ = try broken.nextEvent()
            Issue.record("a broken length prefix was read past")
        } catch {
            #expect(!broken.canSkipLastFault && error.isFraming)
        }
    }
}
