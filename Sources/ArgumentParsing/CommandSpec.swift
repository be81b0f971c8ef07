/// The declaration of one command's flags and positional arguments, from
/// which parsing, `--help` text and environment-variable fallbacks all follow.
///
/// Every `--some-flag` may also be given as `<PREFIX>SOME_FLAG` in the
/// environment (the Deployment sets flags that way); the command line wins.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String
    public var options: [OptionSpec]
    public var positionals: [PositionalSpec]

    public init(name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [], positionals: [PositionalSpec] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
    }
}

public struct OptionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        /// `--once`: present or not (also `--once=false`).
        case flag
        /// `--source DIR` / `--source=DIR`.
        case value(placeholder: String)
        /// `--label k=v --label k2=v2`: every occurrence kept.
        case repeatedValue(placeholder: String)
    }

    public var long: String
    public var short: Character?
    public var kind: Kind
    public var help: String
    public var defaultValue: String?
    /// Allowed values, checked at parse time (`-o text|json`).
    public var choices: [String]?
    /// `false` for flags that make no sense from the environment (`--help`).
    public var readsEnvironment: Bool

    public init(_ long: String, short: Character? = nil, _ kind: Kind = .flag, help: String, default defaultValue: String? = nil, choices: [String]? = nil, readsEnvironment: Bool = true) {
        self.long = long
        self.short = short
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.choices = choices
        self.readsEnvironment = readsEnvironment
    }

    public static func flag(_ long: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(long, short: short, .flag, help: help)
    }

    public static func value(_ long: String, short: Character? = nil, _ placeholder: String, help: String, default defaultValue: String? = nil, choices: [String]? = nil) -> OptionSpec {
        OptionSpec(long, short: short, .value(placeholder: placeholder), help: help, default: defaultValue, choices: choices)
    }

    public var takesValue: Bool { kind != .flag }

    /// `--max-file-size` → `FABRICSYNC_MAX_FILE_SIZE` (with the default prefix).
    public func environmentName(prefix: String) -> String {
        prefix + long.uppercased().map { $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }
}

public struct PositionalSpec: Sendable {
    public var name: String
    public var help: String
    public var isOptional: Bool

    public init(_ name: String, help: String, isOptional: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
    }
}
