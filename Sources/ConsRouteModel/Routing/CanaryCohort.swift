/// Canary cohort membership (docs/design.md §3): a device is in a rollout's cohort iff
/// `fnv1a64(salt + device_id) mod 10000 < percent * 100`.
///
/// Stable: the same salt and device id always give the same answer, on any platform; a new salt draws a
/// new cohort of about the same size.
public enum CanaryCohort {
    /// FNV-1a, 64 bit, over the UTF-8 bytes of `text`.
    public static func fnv1a64<S: StringProtocol>(_ text: S) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Whether `deviceID` is in the cohort of a rollout with `salt` and `percent` (0...100).
    public static func contains(deviceID: String, salt: String, percent: Double) -> Bool {
        Double(fnv1a64(salt + deviceID) % 10_000) < percent * 100
    }
}
