/// Renders `--help` for a command from its spec.
public enum HelpText {
    public static func render(_ spec: CommandSpec, program: String, environmentPrefix: String = "FABRICSYNC_") -> String {
        var lines: [String] = []
        let positionals = spec.positionals.map { $0.isOptional ? "[\($0.name)]" : "<\($0.name)>" }
        lines.append("USAGE: \(program) \(spec.name)" + (spec.options.isEmpty ? "" : " [options]") + (positionals.isEmpty ? "" : " " + positionals.joined(separator: " ")))
        lines.append("")
        lines.append(spec.abstract)
        if !spec.discussion.isEmpty {
            lines.append("")
            lines.append(spec.discussion)
        }
        if !spec.positionals.isEmpty {
            lines.append("")
            lines.append("ARGUMENTS:")
            for positional in spec.positionals {
                lines.append(row("<\(positional.name)>", positional.help))
            }
        }
        lines.append("")
        lines.append("OPTIONS:")
        for option in spec.options {
            var left = option.short.map { "-\($0), " } ?? ""
            left += "--" + option.long
            switch option.kind {
            case .flag: break
            case .value(let placeholder), .repeatedValue(let placeholder): left += " " + placeholder
            }
            var help = option.help
            if let defaultValue = option.defaultValue { help += " (default: \(defaultValue))" }
            if option.readsEnvironment { help += " [$\(option.environmentName(prefix: environmentPrefix))]" }
            lines.append(row(left, help))
        }
        lines.append(row("-h, --help", "Show this help."))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ left: String, _ right: String) -> String {
        let width = 28
        let padded = left.count < width ? left + String(repeating: " ", count: width - left.count) : left + "  "
        return "  " + padded + right
    }
}
