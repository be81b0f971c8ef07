/// Parses a command's arguments against its `CommandSpec`.
public struct ArgumentParser: Sendable {
    public var spec: CommandSpec
    public var environmentPrefix: String

    public init(_ spec: CommandSpec, environmentPrefix: String = "FABRICSYNC_") {
        self.spec = spec
        self.environmentPrefix = environmentPrefix
    }

    /// The outcome is either arguments to run with, or a request for help.
    public enum Outcome: Sendable, Equatable {
        case run(ParsedArguments)
        case help
    }

    public func parse(_ arguments: [String], environment: [String: String] = [:]) throws(UsageError) -> Outcome {
        var values: [String: [String]] = [:]
        var positionals: [String] = []
        var index = 0
        var onlyPositionals = false

        func option(named long: String) throws(UsageError) -> OptionSpec {
            if let found = spec.options.first(where: { $0.long == long }) { return found }
            throw UsageError.unknownOption("--" + long, suggestion: suggestion(for: long))
        }

        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument == "--help" || argument == "-h" { return .help }

            var name: String
            var inlineValue: String?
            let found: OptionSpec
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                found = try option(named: name)
            } else {
                // `-o json`, `-ojson`
                let letters = Array(argument.dropFirst())
                guard let letter = letters.first, let match = spec.options.first(where: { $0.short == letter }) else {
                    throw UsageError.unknownOption(argument, suggestion: nil)
                }
                found = match
                name = match.long
                if letters.count > 1 { inlineValue = String(letters.dropFirst()) }
            }

            if found.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError.missingValue("--" + found.long)
                }
                try check(value, against: found)
                if case .repeatedValue = found.kind {
                    values[found.long, default: []].append(value)
                } else {
                    values[found.long] = [value]
                }
            } else {
                let value = inlineValue ?? "true"
                guard let flag = Self.boolean(value) else {
                    throw UsageError.invalidValue(option: "--" + found.long, value: value, reason: "expected true or false")
                }
                values[found.long] = [flag ? "true" : "false"]
            }
        }

        for option in spec.options where values[option.long] == nil {
            if option.readsEnvironment, let fromEnvironment = environment[option.environmentName(prefix: environmentPrefix)] {
                if option.takesValue {
                    try check(fromEnvironment, against: option, source: option.environmentName(prefix: environmentPrefix))
                    values[option.long] = [fromEnvironment]
                } else {
                    guard let flag = Self.boolean(fromEnvironment) else {
                        throw UsageError.invalidValue(option: option.environmentName(prefix: environmentPrefix), value: fromEnvironment, reason: "expected true or false")
                    }
                    values[option.long] = [flag ? "true" : "false"]
                }
            } else if let defaultValue = option.defaultValue {
                values[option.long] = [defaultValue]
            }
        }

        let required = spec.positionals.filter { !$0.isOptional }
        if positionals.count < required.count {
            throw UsageError.missingArgument(required[positionals.count].name)
        }
        if positionals.count > spec.positionals.count {
            throw UsageError.unexpectedArgument(positionals[spec.positionals.count])
        }
        var named: [String: String] = [:]
        for (spec, value) in zip(spec.positionals, positionals) { named[spec.name] = value }
        return .run(ParsedArguments(values: values, positionals: named))
    }

    private func check(_ value: String, against option: OptionSpec, source: String? = nil) throws(UsageError) {
        if let choices = option.choices, !choices.contains(value) {
            throw UsageError.invalidValue(option: source ?? "--" + option.long, value: value, reason: "expected one of \(choices.joined(separator: ", "))")
        }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: return nil
        }
    }

    /// The closest known option, for "unknown option --sorce (did you mean --source?)".
    private func suggestion(for name: String) -> String? {
        let scored = spec.options.map { ($0.long, editDistance(name, $0.long)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return "--" + best.0
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
