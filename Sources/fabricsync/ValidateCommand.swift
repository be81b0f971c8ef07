import ArgumentParsing

enum ValidateCommand: Command {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Check the fabrics in a source; print errors as file:line:column: field: message.",
        discussion: "Exit status: 0 valid, 2 invalid.",
        options: SourceFlags.options
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let source = try await SourceFlags.load(arguments, console)
        guard source.isValid else {
            console.out(source.issues.map { "\($0)\n" }.joined())
            console.error("\(source.issues.count) error\(source.issues.count == 1 ? "" : "s") in \(source.root)")
            return .failure
        }
        let members = source.fabrics.reduce(0) { $0 + $1.members.count }
        console.out("\(source.root): \(source.fabrics.count) fabric\(source.fabrics.count == 1 ? "" : "s"), \(members) members, valid (revision \(source.revision))\n")
        return .success
    }
}
