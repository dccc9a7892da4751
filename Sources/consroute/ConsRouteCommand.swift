import ArgumentParser

/// `consroute`: the control plane's one executable.
@main
struct ConsRouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consroute",
        abstract: "Control plane for consistency-aware routing of LLM queries across device, edge and cloud.",
        discussion: """
            Exit codes: 0 success; 1 the operation failed (an invalid or unverifiable table, an I/O error; \
            the message names the cause); 64 the command line is wrong; 78 (serve) the configuration is invalid.
            """,
        subcommands: [
            ServeCommand.self, DemoCommand.self, SimulateCommand.self, SubscribeCommand.self, RollbackCommand.self,
            HistoryCommand.self, TableCommand.self, ReplayCommand.self, IngestCommand.self, KeygenCommand.self,
        ]
    )
}

/// A failure with a message naming the cause; exits with code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
