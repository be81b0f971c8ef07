import Foundation
import HTTPServer

/// A REST path of the Kubernetes API, taken apart:
/// `/apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]`.
struct ResourcePath: Equatable {
    var group: String
    var version: String
    var namespace: String?
    var plural: String?
    var name: String?
    var subresource: String?

    /// nil for paths that are not under `/api/v1` or `/apis/{g}/{v}`.
    init?(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        var rest: ArraySlice<String>
        if segments.first == "api", segments.count >= 2 {
            group = ""
            version = segments[1]
            rest = segments.dropFirst(2)
        } else if segments.first == "apis", segments.count >= 3 {
            group = segments[1]
            version = segments[2]
            rest = segments.dropFirst(3)
        } else {
            return nil
        }
        let isNamespaceSubresource = group.isEmpty && rest.count == 3 && ["status", "finalize"].contains(rest[rest.startIndex + 2])
        if rest.first == "namespaces", rest.count >= 3, !isNamespaceSubresource {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard rest.count <= 3 else { return nil }
        let items = Array(rest)
        plural = items.count > 0 ? items[0] : nil
        name = items.count > 1 ? items[1] : nil
        subresource = items.count > 2 ? items[2] : nil
    }
}

/// The query parameters the API takes, parsed with its error messages.
struct QueryOptions {
    let query: [String: String]

    init(_ request: HTTPRequest) { query = request.query }

    var isWatch: Bool { ["true", "1"].contains(query["watch"] ?? "") }
    var dryRun: Bool { query["dryRun"] == "All" }
    var force: Bool { query["force"] == "true" }

    func labelSelector() throws(APIError) -> LabelSelector {
        try LabelSelector(parsing: query["labelSelector"] ?? "")
    }

    func fieldSelector(for type: ResourceType) throws(APIError) -> FieldSelector {
        let eventFields: Set<String> = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                                        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                                        "reason", "reportingComponent", "source", "type", "regarding.name", "regarding.namespace",
                                        "regarding.kind", "regarding.uid"]
        return try FieldSelector(parsing: query["fieldSelector"] ?? "", supportedFields: type.plural == "events" ? eventFields : [])
    }

    func limit() throws(APIError) -> Int? {
        guard let text = query["limit"], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIError.badRequest("invalid limit \"\(text)\"") }
        return value
    }

    func writeOptions(userAgent: String?) throws(APIError) -> WriteOptions {
        if let dryRun = query["dryRun"], !dryRun.isEmpty, dryRun != "All" {
            throw APIError.badRequest("Invalid dryRun value: \(dryRun); allowed values are All")
        }
        return WriteOptions(dryRun: dryRun, fieldManager: query["fieldManager"], fieldValidation: try FieldValidation(parameter: query["fieldValidation"]),
                            force: force, userAgent: userAgent)
    }

    func timeout(default fallback: Duration) -> Duration {
        guard let text = query["timeoutSeconds"], let seconds = Int(text), seconds > 0 else { return fallback }
        return .seconds(seconds)
    }
}
