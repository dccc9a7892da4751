import ConsRouteModel
import Testing

@Suite("JSON tree and canonical form")
struct JSONValueTests {
    @Test("canonical form sorts keys, drops whitespace and keeps number literals")
    func canonicalForm() throws {
        let value = try JSONValue.parse(
            #" { "b" : [1, 2.50, -0.5e-3] , "a" : {"z": null, "y": true}, "c": "x\ny\u0001" } "#
        )
        #expect(value.canonicalString() == #"{"a":{"y":true,"z":null},"b":[1,2.50,-0.5e-3],"c":"x\ny\u0001"}"#)
    }

    @Test("parse → canonical → parse → canonical is stable")
    func stability() throws {
        let text = #"{"é":"\u00e9\ud83d\ude00","k":[{}, [], "\"\\/"],"n":-0}"#
        let once = try JSONValue.parse(text).canonicalBytes()
        let twice = try JSONValue.parse(once).canonicalBytes()
        #expect(once == twice)
        #expect(once.text == #"{"k":[{},[],"\"\\/"],"n":-0,"é":"é😀"}"#)
    }

    @Test(
        "malformed documents are rejected with line and column",
        arguments: [
            ("{\"a\":1,}", "expected a string key"),
            ("[1 2]", "expected ',' or ']'"),
            ("{\"a\":1,\"a\":2}", "duplicate key"),
            ("01", "leading zero"),
            ("\"abc", "unterminated string"),
            ("{} x", "after the document"),
            ("\"\u{01}\"", "control character"),
            ("nul", "invalid literal"),
            ("1.", "fraction needs a digit"),
            ("\"\\ud800\"", "high surrogate"),
        ]
    )
    func rejects(input: String, reason: String) {
        #expect {
            _ = try JSONValue.parse(input)
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains("line 1")
        }
    }

    @Test("nesting deeper than the limit is rejected, not recursed into")
    func depthLimit() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { _ = try JSONValue.parse(deep) }
    }

    @Test("line numbers count newlines")
    func lineNumbers() {
        #expect {
            _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\": ?\n}")
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.line == 3 && error.column == 8
        }
    }
}
