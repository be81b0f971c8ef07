/// The values of one parsed command line, with typed accessors that turn a
/// bad value into a `UsageError` naming the flag.
public struct ParsedArguments: Sendable, Equatable {
    var values: [String: [String]]
    var positionals: [String: String]

    public init(values: [String: [String]] = [:], positionals: [String: String] = [:]) {
        self.values = values
        self.positionals = positionals
    }

    public func string(_ long: String) -> String? { values[long]?.last }
    public func strings(_ long: String) -> [String] { values[long] ?? [] }
    public func positional(_ name: String) -> String? { positionals[name] }
    public func flag(_ long: String) -> Bool { values[long]?.last == "true" }
    public func has(_ long: String) -> Bool { values[long] != nil }

    public func int(_ long: String, range: ClosedRange<Int>? = nil) throws(UsageError) -> Int? {
        guard let text = string(long) else { return nil }
        guard let number = Int(text) else {
            throw UsageError.invalidValue(option: "--" + long, value: text, reason: "expected a whole number")
        }
        if let range, !range.contains(number) {
            throw UsageError.invalidValue(option: "--" + long, value: text, reason: "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    public func duration(_ long: String) throws(UsageError) -> Duration? {
        guard let text = string(long) else { return nil }
        guard let parsed = DurationText.parse(text) else {
            throw UsageError.invalidValue(option: "--" + long, value: text, reason: "expected a duration such as 30s, 5m or 1h30m")
        }
        return parsed
    }

    /// Sizes like `16Mi`, `512Ki`, `1G`, or plain bytes.
    public func byteCount(_ long: String) throws(UsageError) -> Int? {
        guard let text = string(long) else { return nil }
        guard let parsed = ByteCountText.parse(text) else {
            throw UsageError.invalidValue(option: "--" + long, value: text, reason: "expected a size such as 16Mi, 512Ki or 1048576")
        }
        return parsed
    }
}

/// `30s`, `5m`, `1h30m`, `250ms`, `1.5s`; a bare number is seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        var total: Double = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex { !($0.isNumber || $0 == ".") } ?? rest.endIndex
            guard numberEnd != rest.startIndex, let number = Double(rest[..<numberEnd]) else { return nil }
            rest = rest[numberEnd...]
            let unitEnd = rest.firstIndex { $0.isNumber || $0 == "." } ?? rest.endIndex
            let unit = rest[..<unitEnd]
            rest = rest[unitEnd...]
            switch unit {
            case "ms": total += number / 1000
            case "s": total += number
            case "m": total += number * 60
            case "h": total += number * 3600
            default: return nil
            }
        }
        return .milliseconds(Int64(total * 1000))
    }

    /// The inverse, for help text and logs: `1.234s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let whole = millis / 1000, fraction = millis % 1000
        if fraction == 0 { return "\(whole)s" }
        var text = String(fraction)
        while text.count < 3 { text = "0" + text }
        while text.hasSuffix("0") { text.removeLast() }
        return "\(whole).\(text)s"
    }
}

public enum ByteCountText {
    public static func parse(_ text: String) -> Int? {
        let units: [(String, Int)] = [("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * factor
        }
        guard let number = Int(text), number >= 0 else { return nil }
        return number
    }
}
