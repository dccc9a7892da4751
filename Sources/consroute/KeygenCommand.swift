import ArgumentParser
import ConsRouteModel
import Foundation

/// `consroute keygen`: a new Ed25519 key pair for signing tables.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key pair for signing tables.",
        discussion: """
            Writes NAME.key (private, mode 0600: give it to the controller only) and NAME.pub (public: pin it \
            in every router). Prints the key id. The private key is never printed.
            """
    )

    @Option(name: .long, help: "Folder for the key files.")
    var out = "."

    @Option(name: .long, help: "Base name of the key files.")
    var name = "consroute"

    @Flag(name: .long, help: "Overwrite existing key files.")
    var force = false

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let key = TableSigningKey()
        let privatePath = (out as NSString).appendingPathComponent("\(name).key")
        let publicPath = (out as NSString).appendingPathComponent("\(name).pub")
        try Files.write(KeyFile.privateKeyFile(key), to: privatePath, mode: 0o600, overwrite: force)
        try Files.write(KeyFile.publicKeyFile(key.verifyingKey), to: publicPath, overwrite: force)
        print("key id \(key.keyID)\nprivate key: \(privatePath)\npublic key:  \(publicPath)")
    }
}
