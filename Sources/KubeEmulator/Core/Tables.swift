import Foundation
import FabricValue

/// `meta.k8s.io/v1` Table responses, as `kubectl get` asks for them: a Name
/// column, the CRD's additionalPrinterColumns (or Age), one row per object.
enum TableConverter {
    struct Column {
        var definition: ResourceType.PrinterColumn
        var path: JSONPath?
        var compute: ((Value, Date) -> Value)?
    }

    static func columns(for type: ResourceType) -> [Column] {
        let name = Column(definition: .init(name: "Name", type: "string", jsonPath: ".metadata.name", description: "Name must be unique within a namespace.", format: "name"),
                          path: try? JSONPath(".metadata.name"), compute: nil)
        // `try?`: these paths are constants known to parse, and a CRD column whose path does not parse shows <none>, as kubectl does.
        let age = Column(definition: .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp",
                                           description: "CreationTimestamp is a timestamp representing the server time when this object was created."),
                         path: try? JSONPath(".metadata.creationTimestamp"), compute: nil)
        if type.isCustom {
            if type.printerColumns.isEmpty { return [name, age] }
            return [name] + type.printerColumns.map { Column(definition: $0, path: try? JSONPath($0.jsonPath), compute: nil) }
        }
        switch (type.group, type.plural) {
        case ("", "namespaces"):
            return [name, Column(definition: .init(name: "Status", type: "string", jsonPath: ".status.phase"), path: try? JSONPath(".status.phase"), compute: nil), age]
        case ("", "configmaps"):
            return [name, Column(definition: .init(name: "Data", type: "integer", jsonPath: ""), path: nil, compute: { object, _ in
                .int(Int64((object["data"]?.objectValue?.count ?? 0) + (object["binaryData"]?.objectValue?.count ?? 0)))
            }), age]
        case ("", "secrets"):
            return [name,
                    Column(definition: .init(name: "Type", type: "string", jsonPath: ".type"), path: try? JSONPath(".type"), compute: nil),
                    Column(definition: .init(name: "Data", type: "integer", jsonPath: ""), path: nil, compute: { object, _ in
                        .int(Int64(object["data"]?.objectValue?.count ?? 0))
                    }), age]
        case ("", "events"):
            func column(_ name: String, _ type: String, _ compute: @escaping (Value, Date) -> Value) -> Column {
                Column(definition: .init(name: name, type: type, jsonPath: ""), path: nil, compute: compute)
            }
            return [
                column("Last Seen", "string") { event, now in
                    let stamp = event["lastTimestamp"]?.stringValue ?? event["eventTime"]?.stringValue ?? event.value(at: "metadata", "creationTimestamp")?.stringValue
                    return stamp.flatMap(parseTimestamp).map { .string(humanDuration(now.timeIntervalSince($0))) } ?? "<unknown>"
                },
                column("Type", "string") { event, _ in event["type"] ?? "" },
                column("Reason", "string") { event, _ in event["reason"] ?? "" },
                column("Object", "string") { event, _ in
                    let kind = event.value(at: "involvedObject", "kind")?.stringValue ?? ""
                    let name = event.value(at: "involvedObject", "name")?.stringValue ?? ""
                    return .string(kind.lowercased() + "/" + name)
                },
                column("Message", "string") { event, _ in event["message"] ?? "" },
            ]
        case ("", "services"):
            func column(_ title: String, _ compute: @escaping (Value, Date) -> Value) -> Column {
                Column(definition: .init(name: title, type: "string", jsonPath: ""), path: nil, compute: compute)
            }
            return [name,
                    column("Type") { service, _ in service.value(at: "spec", "type") ?? "ClusterIP" },
                    column("Cluster-IP") { service, _ in service.value(at: "spec", "clusterIP") ?? "<none>" },
                    column("External-IP") { service, _ in
                        let ips = (service.value(at: "spec", "externalIPs")?.arrayValue ?? []).compactMap(\.stringValue)
                        return .string(ips.isEmpty ? "<none>" : ips.joined(separator: ","))
                    },
                    column("Port(s)") { service, _ in
                        let ports = (service.value(at: "spec", "ports")?.arrayValue ?? []).map { port -> String in
                            "\(port["port"]?.intValue ?? 0)/\(port["protocol"]?.stringValue ?? "TCP")"
                        }
                        return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                    },
                    age]
        case ("apps", "deployments"):
            func count(_ title: String, _ compute: @escaping (Value) -> Value) -> Column {
                Column(definition: .init(name: title, type: "string", jsonPath: ""), path: nil, compute: { object, _ in compute(object) })
            }
            return [name,
                    count("Ready") { deployment in
                        .string("\(deployment.value(at: "status", "readyReplicas")?.intValue ?? 0)/\(deployment.value(at: "spec", "replicas")?.intValue ?? 1)")
                    },
                    count("Up-to-date") { .int($0.value(at: "status", "updatedReplicas")?.intValue ?? 0) },
                    count("Available") { .int($0.value(at: "status", "availableReplicas")?.intValue ?? 0) },
                    age]
        case ("coordination.k8s.io", "leases"):
            return [name, Column(definition: .init(name: "Holder", type: "string", jsonPath: ".spec.holderIdentity"),
                                 path: try? JSONPath(".spec.holderIdentity"), compute: nil), age]
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            return [name, Column(definition: .init(name: "Created At", type: "date", jsonPath: ".metadata.creationTimestamp"),
                                 path: try? JSONPath(".metadata.creationTimestamp"), compute: { object, _ in object.value(at: "metadata", "creationTimestamp") ?? .null })]
        default:
            return [name, age]
        }
    }

    static func table(for type: ResourceType, objects: [Value], includeObject: String?, resourceVersion: String, continueToken: String?, now: Date) -> Value {
        let columns = columns(for: type)
        let definitions: [Value] = columns.map { column in
            .object(Object([
                ("name", .string(column.definition.name)), ("type", .string(column.definition.type)),
                ("format", .string(column.definition.format)), ("description", .string(column.definition.description)),
                ("priority", .int(Int64(column.definition.priority))),
            ]))
        }
        let rows: [Value] = objects.map { object in
            let cells: [Value] = columns.map { column in
                // Computed cells are already what the built-in printer shows (a CRD's "Created At" is the raw timestamp).
                if let compute = column.compute { return compute(object, now) }
                guard let found = column.path?.evaluate(object), let first = found.first else { return .null }
                return cell(type: column.definition.type, value: found.count == 1 ? first : .array(found), now: now)
            }
            var row = Object([("cells", .array(cells))])
            switch includeObject ?? "Metadata" {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = .object(Object([
                    ("kind", "PartialObjectMetadata"), ("apiVersion", "meta.k8s.io/v1"), ("metadata", object["metadata"] ?? .object(Object())),
                ]))
            }
            return .object(row)
        }
        var metadata = Object([("resourceVersion", .string(resourceVersion))])
        if let continueToken { metadata["continue"] = .string(continueToken) }
        return .object(Object([
            ("kind", "Table"), ("apiVersion", "meta.k8s.io/v1"), ("metadata", .object(metadata)),
            ("columnDefinitions", .array(definitions)), ("rows", .array(rows)),
        ]))
    }

    /// A cell typed as its column says; a value of another type shows as `<none>` (null).
    static func cell(type: String, value: Value, now: Date) -> Value {
        switch (type, value) {
        case ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool), ("string", .string):
            return value
        case ("integer", .double(let d)):
            return .int(Int64(d))
        case ("date", .string(let text)):
            guard let date = parseTimestamp(text) else { return "<invalid>" }
            return .string(humanDuration(now.timeIntervalSince(date)))
        case ("string", .int), ("string", .double), ("string", .bool):
            return .string(JSONWriter.string(value))
        default:
            return .null
        }
    }

    /// Go's `duration.HumanDuration`: `45s`, `3m12s`, `5h2m`, `3d4h`.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 { let days = (hours / 24) % 365; return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d" }
        return "\(hours / 24 / 365)y"
    }
}

/// Parses `2026-11-23T17:55:11Z` (what `formatTimestamp` writes).
func parseTimestamp(_ text: String) -> Date? {
    // Fractions of a second (MicroTime, as in `eventTime`) do not change an age.
    var text = text
    if let dot = text.firstIndex(of: "."), let zone = text.lastIndex(of: "Z"), dot < zone { text.removeSubrange(dot..<zone) }
    let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int32($0) }
    guard parts.count == 6, text.hasSuffix("Z") else { return nil }
    var fields = tm()
    fields.tm_year = parts[0] - 1900
    fields.tm_mon = parts[1] - 1
    fields.tm_mday = parts[2]
    fields.tm_hour = parts[3]
    fields.tm_min = parts[4]
    fields.tm_sec = parts[5]
    return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
}
