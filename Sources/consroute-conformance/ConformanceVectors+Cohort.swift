import ConsRouteModel

extension ConformanceVectors {
    /// Cohort assignments: `fnv1a64(salt + device_id) mod 10000 < percent * 100`, with the hash given too.
    mutating func addCohortVectors() {
        var cases: [JSONValue] = []
        let salts = ["", "rollout-7", "canary-0", "ünïcode-salt"]
        let percents: [Double] = [0, 0.5, 10, 12.5, 50, 99.99, 100]
        for device in 0..<6 {
            let deviceID = device == 5 ? Self.deviceID : "device-\(1000 + 37 * device)"
            for salt in salts {
                for percent in percents {
                    let hash = CanaryCohort.fnv1a64(salt + deviceID)
                    cases.append(
                        .object([
                            "device_id": .string(deviceID), "salt": .string(salt),
                            "percent": JSONValue(percent),
                            "fnv1a64": .string(String(hash, radix: 16)), "bucket": .number(String(hash % 10_000)),
                            "in_cohort": .bool(CanaryCohort.contains(deviceID: deviceID, salt: salt, percent: percent)),
                        ])
                    )
                }
            }
        }
        add("cohort.json", json(.object(["format": .string("consroute-conformance/1"), "cases": .array(cases)])))
    }
}
