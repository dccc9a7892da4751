import Testing

@testable import consroute

@Suite("Time arguments (--since, --until)")
struct TimeArgumentTests {
    /// 2026-11-22T08:00:00Z.
    let now: Int64 = 1_795_334_400_000

    @Test(
        "durations count back from now",
        arguments: [
            ("30s", 30_000), ("15m", 900_000), ("2h", 7_200_000), ("7d", 604_800_000), ("1h30m", 5_400_000),
            ("500ms", 500), ("2w", 1_209_600_000), ("0s", 0), ("1m30s250ms", 90_250),
        ] as [(String, Int64)]
    )
    func durations(text: String, span: Int64) throws {
        #expect(try TimeArgument.milliseconds(text, nowMs: now) == now - span)
    }

    @Test("ISO-8601 times with a zone, fractional seconds and bare UTC dates")
    func isoTimes() throws {
        #expect(try TimeArgument.milliseconds("2026-11-22T08:00:00Z", nowMs: 0) == now)
        #expect(try TimeArgument.milliseconds("2026-11-22T09:00:00+01:00", nowMs: 0) == now)
        #expect(try TimeArgument.milliseconds("2026-11-22T08:00:00.250Z", nowMs: 0) == now + 250)
        #expect(try TimeArgument.milliseconds("2026-11-22", nowMs: 0) == now - 8 * 3_600_000)
        #expect(try TimeArgument.milliseconds("1970-01-01T00:00:00Z", nowMs: now) == 0)
    }

    @Test("digits alone are unix milliseconds, surrounding spaces ignored")
    func unixMilliseconds() throws {
        #expect(try TimeArgument.milliseconds("1795334400000", nowMs: 0) == now)
        #expect(try TimeArgument.milliseconds(" 42 ", nowMs: now) == 42)
        #expect(try TimeArgument.milliseconds("0", nowMs: now) == 0)
    }

    @Test(
        "bad times are refused with a reason",
        arguments: [
            ("", "is empty"), ("yesterday", "expected a number"), ("2x", "unit \"x\""), ("15 m", "no unit"),
            ("h", "expected a number"), ("-5m", "expected a number"), ("2026-13-01", "ISO-8601"),
            ("2026-11-22T08:00:00", "ISO-8601"), ("99999999999999999999", "too large"),
            ("9999999999999999w", "too long"), ("3m2", "no unit"),
        ] as [(String, String)]
    )
    func badTimes(text: String, reason: String) throws {
        let error = #expect(throws: TimeArgument.ParseError.self) { try TimeArgument.milliseconds(text, nowMs: now) }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains("30s, 15m, 2h, 7d") == true)
    }

    @Test("a duration reaching before the earliest representable time is refused")
    func overflowBackwards() {
        #expect(throws: TimeArgument.ParseError.self) {
            try TimeArgument.milliseconds("9000000000000000ms", nowMs: Int64.min + 1)
        }
    }
}
