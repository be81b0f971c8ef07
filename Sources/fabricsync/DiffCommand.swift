import ArgumentParsing

enum DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff",
        abstract: "Show what a reconcile would change.",
        discussion: "Exit status (as kubectl diff): 0 no changes, 1 changes, 2 errors.",
        options: SourceOptions.options + [
            .flag("offline", help: "Compare against an empty cluster, contacting none (everything is a create)."),
            .value("output", short: "o", "FORMAT", help: "Output format.", default: "text", choices: ["text", "json"]),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        console.error("fabricsync diff: not implemented yet")
        return .failure
    }
}
