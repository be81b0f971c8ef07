import FabricValue

/// A parsed `labelSelector`: requirements that must all hold.
public struct LabelSelector: Sendable, Equatable {
    public enum Operator: Sendable, Equatable {
        case equals, notEquals, `in`, notIn, exists, doesNotExist
    }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var op: Operator
        public var values: [String]
    }

    public var requirements: [Requirement]

    public static let everything = LabelSelector(requirements: [])

    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// Parses the API's string form: `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
    public init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in LabelSelector.splitClauses(text) {
            let clause = clause.trimmingSpaces
            if clause.isEmpty { continue }
            requirements.append(try LabelSelector.parseRequirement(clause))
        }
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            let value = labels[requirement.key]
            switch requirement.op {
            case .equals: return value == requirement.values[0]
            case .notEquals: return value != requirement.values[0]
            case .in: return value.map(requirement.values.contains) ?? false
            case .notIn: return value.map { !requirement.values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }
    }

    /// Commas separate clauses except inside the parentheses of a set.
    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: clauses.append(current); current = ""
            default: current.append(character)
            }
        }
        clauses.append(current)
        return clauses
    }

    private static func parseRequirement(_ clause: String) throws(APIError) -> Requirement {
        func fail(_ why: String) -> APIError {
            APIError.badRequest("unable to parse requirement: \(why): \"\(clause)\"")
        }
        if clause.hasPrefix("!") {
            let key = String(clause.dropFirst()).trimmingSpaces
            guard isValidKey(key) else { throw fail("invalid label key") }
            return Requirement(key: key, op: .doesNotExist, values: [])
        }
        for (token, op) in [("!=", Operator.notEquals), ("==", .equals), ("=", .equals)] {
            if let range = clause.range(of: token) {
                let key = String(clause[..<range.lowerBound]).trimmingSpaces
                let value = String(clause[range.upperBound...]).trimmingSpaces
                guard isValidKey(key) else { throw fail("invalid label key") }
                guard isValidValue(value) else { throw fail("invalid label value") }
                return Requirement(key: key, op: op, values: [value])
            }
        }
        let words = clause.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            let rest = words[1].trimmingSpaces
            for (word, op) in [("notin", Operator.notIn), ("in", .in)] where rest.hasPrefix(word) {
                let set = rest.dropFirst(word.count).trimmingSpaces
                guard set.hasPrefix("("), set.hasSuffix(")"), isValidKey(key) else { throw fail("expected a set in parentheses") }
                let values = set.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                    .map { String($0).trimmingSpaces }
                guard values.allSatisfy(isValidValue) else { throw fail("invalid label value") }
                return Requirement(key: key, op: op, values: values)
            }
            throw fail("unknown operator")
        }
        guard isValidKey(clause) else { throw fail("invalid label key") }
        return Requirement(key: clause, op: .exists, values: [])
    }

    static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.count <= 317 else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./".unicodeScalars.contains($0)) }
    }

    static func isValidValue(_ value: String) -> Bool {
        value.count <= 63 && value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

/// A parsed `fieldSelector` (`metadata.name=x,metadata.namespace!=y`).
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var path: [String]
        public var equals: Bool
        public var value: String
    }

    public var requirements: [Requirement]

    public static let everything = FieldSelector(requirements: [])

    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// `supportedFields` beyond `metadata.name` and `metadata.namespace` (core Events allow `involvedObject.*` and a few more).
    public init(parsing text: String, supportedFields: Set<String> = []) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in text.split(separator: ",").map(String.init) where !clause.trimmingSpaces.isEmpty {
            var parsed: (String, Bool, String)?
            for (token, equals) in [("!=", false), ("==", true), ("=", true)] {
                if let range = clause.range(of: token) {
                    parsed = (String(clause[..<range.lowerBound]).trimmingSpaces, equals, String(clause[range.upperBound...]).trimmingSpaces)
                    break
                }
            }
            guard let (field, equals, value) = parsed else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(clause)'")
            }
            guard field == "metadata.name" || field == "metadata.namespace" || supportedFields.contains(field) else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            requirements.append(Requirement(path: field.split(separator: ".").map(String.init), equals: equals, value: value))
        }
        self.requirements = requirements
    }

    public func matches(_ object: Value) -> Bool {
        requirements.allSatisfy { requirement in
            var current: Value? = object
            for key in requirement.path { current = current?[key] }
            let actual: String
            switch current {
            case .string(let s)?: actual = s
            case .int(let i)?: actual = String(i)
            case .bool(let b)?: actual = b ? "true" : "false"
            default: actual = ""
            }
            return (actual == requirement.value) == requirement.equals
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
