import FabricValue

/// Structural-schema handling of custom resources, in the real API's order:
/// prune unknown fields, drop non-nullable nulls, apply defaults; then `SchemaValidator` validates.
enum SchemaPruning {
    /// Removes what the schema does not know, returning the paths removed (for `fieldValidation`).
    static func prune(_ value: Value, schema: Value, path: FieldPath = .root, isRoot: Bool = true) -> (Value, [FieldPath]) {
        var unknown: [FieldPath] = []
        let result = prune(value, schema: schema, path: path, isRoot: isRoot, unknown: &unknown)
        return (result, unknown)
    }

    private static func prune(_ value: Value, schema: Value, path: FieldPath, isRoot: Bool, unknown: inout [FieldPath]) -> Value {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true && schema["properties"] == nil
            && schema["additionalProperties"] == nil && schema["items"] == nil {
            return value
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            let embedded = schema["x-kubernetes-embedded-resource"]?.boolValue == true
            var out = Object()
            for (key, child) in object {
                let childPath = path.appending(key)
                if (isRoot || embedded) && (key == "apiVersion" || key == "kind") {
                    out[key] = child
                } else if (isRoot || embedded) && key == "metadata" {
                    out[key] = pruneMetadata(child, path: childPath, unknown: &unknown)
                } else if let childSchema = properties?[key] {
                    if child.isNull && childSchema["nullable"]?.boolValue != true { continue }
                    out[key] = prune(child, schema: childSchema, path: childPath, isRoot: false, unknown: &unknown)
                } else if let additional, case .object = additional {
                    if child.isNull && additional["nullable"]?.boolValue != true { continue }
                    out[key] = prune(child, schema: additional, path: childPath, isRoot: false, unknown: &unknown)
                } else if additional?.boolValue == true || preserve {
                    out[key] = child
                } else {
                    unknown.append(childPath)
                }
            }
            return .object(out)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.enumerated().map { index, item in
                prune(item, schema: itemSchema, path: path.appending(index: index), isRoot: false, unknown: &unknown)
            })
        default:
            return value
        }
    }

    static let metadataFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    private static func pruneMetadata(_ value: Value, path: FieldPath, unknown: inout [FieldPath]) -> Value {
        guard case .object(let object) = value else { return value }
        var out = Object()
        for (key, child) in object {
            if metadataFields.contains(key) { out[key] = child } else { unknown.append(path.appending(key)) }
        }
        return .object(out)
    }

    /// Fills missing properties that declare a `default`, recursively.
    static func applyDefaults(_ value: Value, schema: Value) -> Value {
        switch value {
        case .object(var object):
            if let properties = schema["properties"]?.objectValue {
                for (key, childSchema) in properties {
                    if object[key] == nil, let defaultValue = childSchema["default"] {
                        object[key] = applyDefaults(defaultValue, schema: childSchema)
                    } else if let child = object[key] {
                        object[key] = applyDefaults(child, schema: childSchema)
                    }
                }
            } else if let additional = schema["additionalProperties"], case .object = additional {
                for key in object.keys {
                    object[key] = applyDefaults(object[key]!, schema: additional)
                }
            }
            return .object(object)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.map { applyDefaults($0, schema: itemSchema) })
        default:
            return value
        }
    }
}
