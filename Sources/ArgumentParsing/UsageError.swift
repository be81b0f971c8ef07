/// A command line that cannot be run: printed with the command's usage line,
/// exit code 2 (as every fabricsync command exits on usage errors).
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func unknownOption(_ option: String, suggestion: String?) -> UsageError {
        UsageError("unknown option \(option)" + (suggestion.map { " (did you mean \($0)?)" } ?? ""))
    }
    static func missingValue(_ option: String) -> UsageError { UsageError("option \(option) needs a value") }
    static func invalidValue(option: String, value: String, reason: String) -> UsageError {
        UsageError("invalid value '\(value)' for \(option): \(reason)")
    }
    static func missingArgument(_ name: String) -> UsageError { UsageError("missing argument <\(name)>") }
    static func unexpectedArgument(_ value: String) -> UsageError { UsageError("unexpected argument '\(value)'") }
}

/// How every fabricsync command ends: 0 success or nothing to do, 1 changes
/// found or not all Ready, 2 errors (usage errors included).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case changesOrNotReady = 1
    case failure = 2
}
