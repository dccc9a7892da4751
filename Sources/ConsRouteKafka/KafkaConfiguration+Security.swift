extension KafkaConfiguration {
    /// How the client secures and authenticates its broker connections.
    public enum Security: Hashable, Sendable {
        /// No TLS, no authentication (`security.protocol=plaintext`).
        case plaintext
        /// TLS without SASL (`security.protocol=ssl`).
        case tls(TLS)
        /// SASL authentication, over TLS when `tls` is given (`sasl_ssl`), else in the clear (`sasl_plaintext`).
        case sasl(SASL, tls: TLS?)

        /// The librdkafka properties for this setting.
        var properties: [String: String] {
            switch self {
            case .plaintext:
                ["security.protocol": "plaintext"]
            case .tls(let tls):
                tls.properties.merging(["security.protocol": "ssl"]) { _, new in new }
            case .sasl(let sasl, let tls?):
                sasl.properties.merging(tls.properties) { _, new in new }
                    .merging(["security.protocol": "sasl_ssl"]) { _, new in new }
            case .sasl(let sasl, nil):
                sasl.properties.merging(["security.protocol": "sasl_plaintext"]) { _, new in new }
            }
        }
    }

    /// TLS files and checks (`ssl.*`); unset paths fall back to librdkafka's defaults (system CA store).
    public struct TLS: Hashable, Sendable {
        /// CA bundle to verify the broker (`ssl.ca.location`).
        public var caLocation: String?
        /// Client certificate for mutual TLS (`ssl.certificate.location`).
        public var certificateLocation: String?
        /// Client private key (`ssl.key.location`).
        public var keyLocation: String?
        /// Password of the private key (`ssl.key.password`).
        public var keyPassword: String?
        /// Whether the broker's host name must match its certificate (`ssl.endpoint.identification.algorithm`).
        public var verifiesHostname: Bool

        /// Makes TLS settings.
        ///
        /// - Parameters:
        ///   - caLocation: CA bundle path.
        ///   - certificateLocation: Client certificate path.
        ///   - keyLocation: Client private key path.
        ///   - keyPassword: Private key password.
        ///   - verifiesHostname: Whether to check the broker's host name.
        public init(
            caLocation: String? = nil,
            certificateLocation: String? = nil,
            keyLocation: String? = nil,
            keyPassword: String? = nil,
            verifiesHostname: Bool = true
        ) {
            self.caLocation = caLocation
            self.certificateLocation = certificateLocation
            self.keyLocation = keyLocation
            self.keyPassword = keyPassword
            self.verifiesHostname = verifiesHostname
        }

        var properties: [String: String] {
            var properties = ["ssl.endpoint.identification.algorithm": verifiesHostname ? "https" : "none"]
            properties["ssl.ca.location"] = caLocation
            properties["ssl.certificate.location"] = certificateLocation
            properties["ssl.key.location"] = keyLocation
            properties["ssl.key.password"] = keyPassword
            return properties
        }
    }

    /// SASL credentials (`sasl.mechanisms`, `sasl.username`, `sasl.password`).
    public struct SASL: Hashable, Sendable {
        /// The SASL mechanism.
        public enum Mechanism: String, Hashable, Sendable {
            /// `PLAIN`.
            case plain = "PLAIN"
            /// `SCRAM-SHA-256`.
            case scramSHA256 = "SCRAM-SHA-256"
            /// `SCRAM-SHA-512`.
            case scramSHA512 = "SCRAM-SHA-512"
        }

        /// The mechanism.
        public var mechanism: Mechanism
        /// The user name.
        public var username: String
        /// The password; never logged by this package.
        public var password: String

        /// Makes SASL credentials.
        ///
        /// - Parameters:
        ///   - mechanism: The mechanism.
        ///   - username: The user name.
        ///   - password: The password.
        public init(mechanism: Mechanism, username: String, password: String) {
            self.mechanism = mechanism
            self.username = username
            self.password = password
        }

        var properties: [String: String] {
            ["sasl.mechanisms": mechanism.rawValue, "sasl.username": username, "sasl.password": password]
        }
    }
}

extension KafkaConfiguration.SASL: CustomStringConvertible, CustomDebugStringConvertible {
    /// The mechanism and user name; the password is never printed.
    public var description: String { "SASL(\(mechanism.rawValue), username: \(username), password: <redacted>)" }

    /// Same as `description`: the password is never printed.
    public var debugDescription: String { description }
}

extension KafkaConfiguration.TLS: CustomStringConvertible, CustomDebugStringConvertible {
    /// The file locations; the key password is never printed.
    public var description: String {
        let password = keyPassword == nil ? "nil" : "<redacted>"
        return "TLS(caLocation: \(caLocation ?? "nil"), certificateLocation: \(certificateLocation ?? "nil"), "
            + "keyLocation: \(keyLocation ?? "nil"), keyPassword: \(password), verifiesHostname: \(verifiesHostname))"
    }

    /// Same as `description`: the key password is never printed.
    public var debugDescription: String { description }
}
