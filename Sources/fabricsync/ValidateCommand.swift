import ArgumentParsing

enum ValidateCommand: Command {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Check the fabrics in a source; print errors as file:line:column: field: message.",
        discussion: "Exit status: 0 valid, 2 invalid.",
        options: SourceOptions.options
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        console.error("fabricsync validate: not implemented yet")
        return .failure
    }
}
