import ArgumentParsing

/// The flags every command that reads fabrics shares.
enum SourceOptions {
    static let options: [OptionSpec] = [
        .value("source", "DIR", help: "Folder holding the fabrics (each Fabric's folder holds its members)."),
        .value("max-file-size", "SIZE", help: "Refuse source files larger than this.", default: "16Mi"),
    ]
}
