import FabricValue
import FabricYAML

/// Reads typed fields out of one document and collects every problem found,
/// each at the position of the field it is about (or of its nearest written
/// ancestor when the field is missing).
struct DocumentChecker {
    let document: YAMLDocument
    private(set) var issues: [ValidationIssue] = []

    init(_ document: YAMLDocument) { self.document = document }

    /// A problem with the value at `path`, marked at the value; problems of
    /// presence (missing, unknown) are marked at the key, or for a missing
    /// field at its nearest written ancestor's key.
    mutating func report(_ code: ValidationIssue.Code, _ path: FieldPath, _ message: String) {
        let atKey = code == .missingField || code == .unknownField
        issues.append(ValidationIssue(code, at: atKey ? document.keyMark(for: path) : document.mark(for: path), field: path, message))
    }

    func value(at path: FieldPath) -> Value? {
        guard let value = document.value[path: path], !value.isNull else { return nil }
        return value
    }

    /// An object, or `nil` (reported) when present with another type.
    mutating func object(at path: FieldPath, required: Bool = false) -> Object? {
        guard let value = present(path, required: required) else { return nil }
        guard case .object(let object) = value else { wrongType(path, expected: "an object", found: value); return nil }
        return object
    }

    mutating func string(at path: FieldPath, required: Bool = false) -> String? {
        guard let value = present(path, required: required) else { return nil }
        guard case .string(let text) = value else { wrongType(path, expected: "a string", found: value); return nil }
        if required && text.isEmpty { report(.invalidValue, path, "must not be empty"); return nil }
        return text
    }

    mutating func bool(at path: FieldPath) -> Bool? {
        guard let value = present(path, required: false) else { return nil }
        guard case .bool(let flag) = value else { wrongType(path, expected: "a boolean", found: value); return nil }
        return flag
    }

    /// An integer within `range`; a quoted number or a fraction is a wrong type,
    /// as the API server's schema validation would say.
    mutating func integer(at path: FieldPath, in range: ClosedRange<Int64>, required: Bool = false) -> Int64? {
        guard let value = present(path, required: required) else { return nil }
        guard case .int(let number) = value else { wrongType(path, expected: "an integer", found: value); return nil }
        guard range.contains(number) else {
            if range.lowerBound == 0 && range.upperBound == .max {
                report(.invalidValue, path, "must be a non-negative integer, found \(number)")
            } else {
                report(.invalidValue, path, "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
            }
            return nil
        }
        return number
    }

    /// Strict field validation, as `kubectl apply --validate=strict`: a key
    /// outside `known` is an error at that key.
    mutating func rejectUnknownKeys(in object: Object, at path: FieldPath, known: Set<String>) {
        for key in object.keys where !known.contains(key) {
            report(.unknownField, path.appending(key), "unknown field \(DNSNames.quoted(key))")
        }
    }

    private mutating func present(_ path: FieldPath, required: Bool) -> Value? {
        guard let value = value(at: path) else {
            if required { report(.missingField, path, "required field is missing") }
            return nil
        }
        return value
    }

    mutating func wrongType(_ path: FieldPath, expected: String, found value: Value) {
        report(.wrongType, path, "must be \(expected), found \(DocumentChecker.describe(value))")
    }

    /// `string "65000"`, `integer 3`, `object`, …: short enough for one line.
    static func describe(_ value: Value) -> String {
        switch value {
        case .object, .array, .null: return value.typeName
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "string " + JSONWriter.string(.string(shown))
        // `65000.0` must not read as `65000` in "must be an integer, found number …".
        case .double(let number): return "number \(number)"
        default: return value.typeName + " " + JSONWriter.string(value)
        }
    }
}
