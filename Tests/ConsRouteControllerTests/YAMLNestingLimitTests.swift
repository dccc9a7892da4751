import ConsRouteController
import ConsRouteYAML
import Foundation
import Testing

/// Issue 14 (9): a deeply nested YAML document is refused with a clear error instead of overflowing the stack.
@Suite("YAML nesting limit")
struct YAMLNestingLimitTests {
    private func load(_ yaml: String) throws(ConfigurationError) -> ControllerConfiguration {
        try ControllerConfiguration.load(yaml: yaml, file: "deep.yaml", environment: [:])
    }

    @Test("5,000 nested flow sequences: a syntax error naming the limit, no crash")
    func deepFlow() {
        let yaml = "fleets: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        #expect {
            _ = try load(yaml)
        } throws: { error in
            "\(error)".contains("nesting deeper than 64 levels") && "\(error)".hasPrefix("deep.yaml:1:")
        }
    }

    @Test("5,000 nested block mappings: a syntax error naming the line, no crash")
    func deepBlock() {
        var yaml = ""
        for level in 0..<5_000 { yaml += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect {
            _ = try load(yaml)
        } throws: { error in
            "\(error)".contains("nesting deeper than 64 levels") && "\(error)".hasPrefix("deep.yaml:65:")
        }
    }

    @Test("5,000 nested block sequences on one line and nested flow mappings are refused too")
    func deepDashesAndBraces() {
        let dashes = String(repeating: "- ", count: 5_000) + "x\n"
        #expect(throws: ConfigurationError.self) { _ = try load(dashes) }
        let braces = "a: " + String(repeating: "{b: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000) + "\n"
        #expect(throws: ConfigurationError.self) { _ = try load(braces) }
    }

    @Test("the shipped configuration is well within the limit; brackets in quotes and comments do not count")
    func shippedConfiguration() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/controller.yaml").path
        _ = try ControllerConfiguration.load(path: path, environment: [:])
        let quoted =
            "broker: {client_id: \"" + String(repeating: "[", count: 200) + "\"} # "
            + String(repeating: "{", count: 200)
        #expect(YAMLNestingLimit.firstExcess(in: quoted) == nil)
        #expect(YAMLNestingLimit.firstExcess(in: String(repeating: "[", count: 63)) == nil)
        #expect(YAMLNestingLimit.firstExcess(in: String(repeating: "[", count: 64))?.depth == 65)
    }
}
