// libFuzzer target: the YAML configuration loader of `consroute serve` (and, through the same YAML reader, the
// scenarios of `simulate` and `replay`): any document must load or fail with a ConfigurationError, never trap or
// overflow the stack. Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer` against the ConsRouteController
// module compiled with coverage instrumentation; its dependencies are linked from the SwiftPM build.

import ConsRouteController
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigurationLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try ControllerConfiguration.load(yaml: text, file: "fuzz.yaml", environment: ["CONSROUTE_HTTP_PORT": "9"])
    } catch {
        _ = error.description
    }
    return 0
}
