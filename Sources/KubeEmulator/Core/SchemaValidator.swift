import Foundation
import FabricValue

/// Validates a value against an OpenAPI v3 structural schema, producing
/// causes worded as the real API words them (`spec.asn in body should be greater than or equal to 1`).
enum SchemaValidator {
    typealias Cause = APIError.Cause

    static func validate(_ value: Value, schema: Value, path: FieldPath = .root, isRoot: Bool = true) -> [Cause] {
        var causes: [Cause] = []
        validate(value, schema: schema, path: path, isRoot: isRoot, causes: &causes)
        return causes
    }

    private static func validate(_ value: Value, schema: Value, path: FieldPath, isRoot: Bool, causes: inout [Cause]) {
        let field = path.description
        if value.isNull {
            if schema["nullable"]?.boolValue != true, schema["type"] != nil {
                causes.append(Cause(reason: "FieldValueTypeInvalid", message: "Invalid value: \"null\": \(field) in body must be of type \(schema["type"]?.stringValue ?? "object"): \"null\"", field: field))
            }
            return
        }
        if let type = schema["type"]?.stringValue, !matchesType(value, type, intOrString: schema["x-kubernetes-int-or-string"]?.boolValue == true) {
            causes.append(Cause(reason: "FieldValueTypeInvalid", message: "Invalid value: \"\(value.typeName)\": \(field) in body must be of type \(type): \"\(value.typeName)\"", field: field))
            return
        }
        if schema["x-kubernetes-int-or-string"]?.boolValue == true, value.stringValue == nil, value.intValue == nil {
            causes.append(Cause(reason: "FieldValueTypeInvalid", message: "Invalid value: \"\(value.typeName)\": \(field) in body must be of type integer or string: \"\(value.typeName)\"", field: field))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { equalAsJSON($0, value) }) {
            let list = allowed.map(render).joined(separator: ", ")
            causes.append(Cause(reason: "FieldValueNotSupported", message: "Unsupported value: \(render(value)): supported values: \(list)", field: field))
        }
        switch value {
        case .int, .double:
            validateNumber(value.doubleValue ?? 0, value: value, schema: schema, field: field, causes: &causes)
        case .string(let text):
            validateString(text, schema: schema, field: field, causes: &causes)
        case .array(let items):
            if let maximum = schema["maxItems"]?.intValue, items.count > maximum {
                causes.append(Cause(reason: "FieldValueTooMany", message: "Too many: \(items.count): must have at most \(maximum) items", field: field))
            }
            if let minimum = schema["minItems"]?.intValue, items.count < minimum {
                causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(items.count): \(field) in body should have at least \(minimum) items", field: field))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, schema: itemSchema, path: path.appending(index: index), isRoot: false, causes: &causes)
                }
            }
        case .object(let object):
            for case .string(let key) in schema["required"]?.arrayValue ?? [] where object[key] == nil {
                causes.append(Cause(reason: "FieldValueRequired", message: "Required value", field: path.appending(key).description))
            }
            if let maximum = schema["maxProperties"]?.intValue, object.count > maximum {
                causes.append(Cause(reason: "FieldValueTooMany", message: "Too many: \(object.count): must have at most \(maximum) items", field: field))
            }
            if let minimum = schema["minProperties"]?.intValue, object.count < minimum {
                causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(object.count): \(field) in body should have at least \(minimum) properties", field: field))
            }
            let properties = schema["properties"]?.objectValue
            for (key, child) in object {
                if isRoot && (key == "apiVersion" || key == "kind" || key == "metadata") { continue }
                if let childSchema = properties?[key] {
                    validate(child, schema: childSchema, path: path.appending(key), isRoot: false, causes: &causes)
                } else if let additional = schema["additionalProperties"], case .object = additional {
                    validate(child, schema: additional, path: path.appending(key), isRoot: false, causes: &causes)
                }
            }
        default:
            break
        }
        validateCombinators(value, schema: schema, path: path, causes: &causes)
    }

    private static func validateCombinators(_ value: Value, schema: Value, path: FieldPath, causes: inout [Cause]) {
        let field = path.description
        for sub in schema["allOf"]?.arrayValue ?? [] {
            validate(value, schema: sub, path: path, isRoot: false, causes: &causes)
        }
        if let options = schema["anyOf"]?.arrayValue, !options.isEmpty,
           !options.contains(where: { validate(value, schema: $0, path: path, isRoot: false).isEmpty }) {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body must be of anyOf", field: field))
        }
        if let options = schema["oneOf"]?.arrayValue, !options.isEmpty {
            let matching = options.filter { validate(value, schema: $0, path: path, isRoot: false).isEmpty }.count
            if matching != 1 {
                causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body must validate one and only one schema (oneOf). Found \(matching) valid alternatives", field: field))
            }
        }
        if let not = schema["not"], validate(value, schema: not, path: path, isRoot: false).isEmpty {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body should not be valid against the given schema", field: field))
        }
    }

    private static func validateNumber(_ number: Double, value: Value, schema: Value, field: String, causes: inout [Cause]) {
        if let minimum = schema["minimum"]?.doubleValue {
            let exclusive = schema["exclusiveMinimum"]?.boolValue == true
            if exclusive ? number <= minimum : number < minimum {
                let words = exclusive ? "greater than" : "greater than or equal to"
                causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body should be \(words) \(JSONWriter.formatDouble(minimum))", field: field))
            }
        }
        if let maximum = schema["maximum"]?.doubleValue {
            let exclusive = schema["exclusiveMaximum"]?.boolValue == true
            if exclusive ? number >= maximum : number > maximum {
                let words = exclusive ? "less than" : "less than or equal to"
                causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body should be \(words) \(JSONWriter.formatDouble(maximum))", field: field))
            }
        }
        if let multiple = schema["multipleOf"]?.doubleValue, multiple > 0, (number / multiple).rounded() != number / multiple {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(value)): \(field) in body should be a multiple of \(JSONWriter.formatDouble(multiple))", field: field))
        }
    }

    private static func validateString(_ text: String, schema: Value, field: String, causes: inout [Cause]) {
        if let maximum = schema["maxLength"]?.intValue, text.count > maximum {
            causes.append(Cause(reason: "FieldValueTooLong", message: "Too long: may not be more than \(maximum) bytes", field: field))
        }
        if let minimum = schema["minLength"]?.intValue, text.count < minimum {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(.string(text))): \(field) in body should be at least \(minimum) chars long", field: field))
        }
        if let format = schema["format"]?.stringValue, let check = formats[format], !PatternCache.shared.matches(check, text) {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(.string(text))): \(field) in body must be of type \(format): \(render(.string(text)))", field: field))
        }
        if let pattern = schema["pattern"]?.stringValue, !PatternCache.shared.matches(pattern, text) {
            causes.append(Cause(reason: "FieldValueInvalid", message: "Invalid value: \(render(.string(text))): \(field) in body should match '\(pattern)'", field: field))
        }
    }

    /// The string formats the API server checks (strfmt), as patterns; unknown formats are not checked.
    static let formats: [String: String] = [
        "date-time": #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$"#,
        "datetime": #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$"#,
        "date": #"^\d{4}-\d{2}-\d{2}$"#,
        "ipv4": #"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"#,
        "ipv6": #"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"#,
        "cidr": #"^(((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/(3[0-2]|[12]?\d)|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/(12[0-8]|1[01]\d|[1-9]?\d))$"#,
        "uuid": #"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"#,
        "byte": #"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"#,
        "mac": #"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$"#,
    ]

    static func matchesType(_ value: Value, _ type: String, intOrString: Bool) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .int), ("number", .double):
            return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d
        case ("string", .int): return intOrString
        default: return false
        }
    }

    /// JSON equality where 1 and 1.0 are the same number (enum checks compare decoded JSON).
    static func equalAsJSON(_ a: Value, _ b: Value) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    /// Values as Go's `%#v`-ish rendering in field errors: strings quoted, numbers bare.
    static func render(_ value: Value) -> String {
        switch value {
        case .string(let s): return "\"" + s + "\""
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.formatDouble(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array: return "[]interface {}{...}"
        case .object: return "map[string]interface {}{...}"
        }
    }
}

/// Compiled `pattern` regexes, shared across requests (compiling is the expensive part).
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression?] = [:]

    func matches(_ pattern: String, _ text: String) -> Bool {
        lock.lock()
        let cached = compiled[pattern]
        lock.unlock()
        let expression: NSRegularExpression?
        if let cached {
            expression = cached
        } else {
            // A pattern ICU cannot compile validates nothing, rather than refusing every object.
            expression = try? NSRegularExpression(pattern: pattern)
            lock.lock()
            compiled[pattern] = .some(expression)
            lock.unlock()
        }
        guard let expression else { return true }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
