/// A JSON-shaped value: the one representation of unstructured Kubernetes
/// objects used throughout fabricsync (YAML documents decode to it, the API
/// client sends and receives it, the diff compares it).
///
/// Integers and floating-point numbers are kept apart, as Go's YAML and JSON
/// decoders keep them apart, so that `65000` and `65000.5` survive a round trip.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([Value])
    case object(Object)
}

extension Value {
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var arrayValue: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: Object? { if case .object(let o) = self { return o } else { return nil } }

    /// The name of the value's JSON type, as error messages say it ("string", "integer", …).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The member under `key` when this is an object; `nil` otherwise.
    public subscript(key: String) -> Value? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The value at `path`, or `nil` where the path leaves the tree.
    public subscript(path path: FieldPath) -> Value? {
        var current: Value = self
        for component in path.components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let i):
                guard let array = current.arrayValue, array.indices.contains(i) else { return nil }
                current = array[i]
            }
        }
        return current
    }

    /// Follows a dotted list of object keys (`"metadata", "name"`), the common case.
    public func value(at keys: String...) -> Value? {
        var current: Value = self
        for key in keys {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Object(elements))
    }
}
