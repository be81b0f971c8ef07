import FabricValue

/// The JSONPath subset kubectl and printer columns use: `.a.b`, `['a.b']`,
/// `[0]`, `[*]`, and filters such as `[?(@.type=="Ready")]`.
public struct JSONPath: Sendable, Equatable {
    indirect enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
        case wildcard
        case filter(path: [Step], op: String, literal: Value?)
    }

    let steps: [Step]

    public init(_ text: String) throws(APIError) {
        var body = Substring(text.trimmingSpaces)
        if body.hasPrefix("{") && body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        if body.hasPrefix("$") { body = body.dropFirst() }
        var parser = Parser(text: Array(body), original: text)
        steps = try parser.parseSteps(untilFilterEnd: false)
    }

    /// Every value the path selects, in document order.
    public func evaluate(_ value: Value) -> [Value] {
        JSONPath.run(steps[...], on: [value])
    }

    private static func run(_ steps: ArraySlice<Step>, on values: [Value]) -> [Value] {
        guard let step = steps.first else { return values }
        var next: [Value] = []
        for value in values {
            switch step {
            case .key(let key):
                if let child = value[key] { next.append(child) }
            case .index(let index):
                if let items = value.arrayValue {
                    let resolved = index < 0 ? items.count + index : index
                    if items.indices.contains(resolved) { next.append(items[resolved]) }
                }
            case .wildcard:
                if let items = value.arrayValue { next += items } else if let object = value.objectValue { next += object.values }
            case .filter(let path, let op, let literal):
                let candidates = value.arrayValue ?? [value]
                next += candidates.filter { candidate in
                    let found = run(path[...], on: [candidate])
                    guard let literal else { return !found.isEmpty }
                    guard let actual = found.first else { return false }
                    return compare(actual, op, literal)
                }
            }
        }
        return run(steps.dropFirst(), on: next)
    }

    private static func compare(_ actual: Value, _ op: String, _ literal: Value) -> Bool {
        if let a = actual.doubleValue, let b = literal.doubleValue {
            switch op {
            case "==": return a == b
            case "!=": return a != b
            case "<": return a < b
            case ">": return a > b
            case "<=": return a <= b
            case ">=": return a >= b
            default: return false
            }
        }
        let a = actual.stringValue ?? JSONWriter.string(actual)
        let b = literal.stringValue ?? JSONWriter.string(literal)
        switch op {
        case "==": return a == b
        case "!=": return a != b
        case "<": return a < b
        case ">": return a > b
        case "<=": return a <= b
        case ">=": return a >= b
        default: return false
        }
    }

    private struct Parser {
        let text: [Character]
        let original: String
        var position = 0

        init(text: [Character], original: String) {
            self.text = text
            self.original = original
        }

        func fail(_ why: String) -> APIError { APIError.badRequest("invalid JSONPath \(original): \(why)") }

        mutating func parseSteps(untilFilterEnd: Bool) throws(APIError) -> [Step] {
            var steps: [Step] = []
            while position < text.count {
                let character = text[position]
                if untilFilterEnd && (character == ")" || character == "=" || character == "!" || character == "<" || character == ">" || character == " ") { break }
                if character == "." {
                    position += 1
                    var name = ""
                    while position < text.count, !".[ )=!<>".contains(text[position]) { name.append(text[position]); position += 1 }
                    if name == "*" { steps.append(.wildcard) } else if !name.isEmpty { steps.append(.key(name)) }
                } else if character == "[" {
                    position += 1
                    steps.append(try parseBracket())
                } else if character == "@" {
                    position += 1
                } else {
                    throw fail("unexpected '\(character)'")
                }
            }
            return steps
        }

        mutating func parseBracket() throws(APIError) -> Step {
            guard position < text.count else { throw fail("unclosed [") }
            if text[position] == "?" {
                position += 1
                guard position < text.count, text[position] == "(" else { throw fail("expected ( after ?") }
                position += 1
                skipSpaces()
                let path = try parseSteps(untilFilterEnd: true)
                skipSpaces()
                var op = ""
                while position < text.count, "=!<>".contains(text[position]) { op.append(text[position]); position += 1 }
                skipSpaces()
                var literal: Value?
                if !op.isEmpty { literal = try parseLiteral() }
                skipSpaces()
                guard position + 1 < text.count, text[position] == ")", text[position + 1] == "]" else { throw fail("unclosed filter") }
                position += 2
                return .filter(path: path, op: op, literal: literal)
            }
            var content = ""
            while position < text.count, text[position] != "]" { content.append(text[position]); position += 1 }
            guard position < text.count else { throw fail("unclosed [") }
            position += 1
            if content == "*" { return .wildcard }
            if let index = Int(content) { return .index(index) }
            if content.count >= 2, let first = content.first, first == "'" || first == "\"", content.last == first {
                return .key(String(content.dropFirst().dropLast()))
            }
            throw fail("unsupported subscript [\(content)]")
        }

        mutating func parseLiteral() throws(APIError) -> Value {
            guard position < text.count else { throw fail("missing value in filter") }
            let quote = text[position]
            if quote == "\"" || quote == "'" {
                position += 1
                var value = ""
                while position < text.count, text[position] != quote { value.append(text[position]); position += 1 }
                guard position < text.count else { throw fail("unterminated string") }
                position += 1
                return .string(value)
            }
            var raw = ""
            while position < text.count, text[position] != ")", text[position] != " " { raw.append(text[position]); position += 1 }
            if let int = Int64(raw) { return .int(int) }
            if let double = Double(raw) { return .double(double) }
            if raw == "true" || raw == "false" { return .bool(raw == "true") }
            return .string(raw)
        }

        mutating func skipSpaces() {
            while position < text.count, text[position] == " " { position += 1 }
        }
    }
}
