import Foundation
import FabricValue
import FabricYAML
import HTTPServer

/// The HTTP face of the store: the real API's REST paths, discovery,
/// OpenAPI, tables and watch streams, with the fault hooks in front.
struct EmulatorAPI: Sendable {
    let store: EmulatorStore
    let faults: FaultInjector
    let log: RequestLog
    let bearerToken: String?
    let bookmarkInterval: Duration
    let defaultWatchTimeout: Duration
    let serverAddress: @Sendable () -> String

    static let maximumBodyBytes = 3 * 1024 * 1024

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let resourcePath = ResourcePath(path: request.path)
        let verb = classify(request, resourcePath)
        var response: HTTPResponse
        let (failure, delay) = faults.consume(verb: verb, path: request.path)
        if let delay { try? await Task.sleep(for: delay) }
        // `try?` above: a cancelled sleep only shortens an injected delay.
        if let failure {
            response = errorResponse(failure)
        } else if let token = bearerToken, !isOpenPath(request.path), request.headers["Authorization"] != "Bearer \(token)" {
            response = errorResponse(APIError(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        } else {
            do {
                response = try await route(request, resourcePath)
            } catch {
                response = errorResponse(error)
            }
        }
        log.append(RequestLog.Entry(verb: verb, method: request.method.rawValue, path: request.path, status: response.status, query: request.rawQuery))
        response.headers.set("Cache-Control", "no-cache, private")
        response.headers.set("Audit-Id", UUID().uuidString.lowercased())
        return response
    }

    private func isOpenPath(_ path: String) -> Bool { ["/healthz", "/readyz", "/livez"].contains(path) }

    private func classify(_ request: HTTPRequest, _ path: ResourcePath?) -> RequestVerb {
        guard let path, path.plural != nil else { return .other }
        switch request.method {
        case .GET, .HEAD:
            if path.name != nil { return .get }
            return QueryOptions(request).isWatch ? .watch : .list
        case .POST: return .create
        case .PUT: return .update
        case .PATCH: return contentType(request) == PatchType.apply.rawValue ? .apply : .patch
        case .DELETE: return .delete
        default: return .other
        }
    }

    private func route(_ request: HTTPRequest, _ resourcePath: ResourcePath?) async throws(APIError) -> HTTPResponse {
        switch request.path {
        case "/healthz", "/readyz", "/livez":
            return .text("ok")
        case "/version":
            return .json(Discovery.version)
        case "/":
            var paths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version"]
            for (group, versions) in Discovery.groupVersions(store.resourceTypes) where !group.isEmpty {
                paths.append("/apis/\(group)")
                paths += versions.map { "/apis/\(group)/\($0)" }
            }
            return .json(["paths": .array(paths.sorted().map(Value.string))])
        case "/api", "/api/", "/apis", "/apis/":
            return Discovery.groups(store.resourceTypes, core: request.path.hasPrefix("/api/") || request.path == "/api",
                                    accept: request.headers["Accept"] ?? "", serverAddress: serverAddress())
        case "/openapi/v2":
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        case "/openapi/v3", "/openapi/v3/":
            return .json(OpenAPIDocument.index(store.resourceTypes))
        default:
            break
        }
        if request.path.hasPrefix("/openapi/v3/") {
            let groupVersion = String(request.path.dropFirst("/openapi/v3/".count))
            guard let document = OpenAPIDocument.document(for: groupVersion, types: store.resourceTypes) else {
                throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            }
            return .json(document)
        }
        let segments = request.path.split(separator: "/")
        if segments.count == 2, segments[0] == "apis", request.method == .GET,
           let group = Discovery.group(store.resourceTypes, name: String(segments[1])) {
            return .json(group)
        }
        guard let resourcePath else { throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource") }
        guard let plural = resourcePath.plural else {
            guard request.method == .GET else { throw APIError.methodNotAllowed("the server does not allow this method on the requested resource") }
            guard let list = Discovery.resourceList(store.resourceTypes, group: resourcePath.group, version: resourcePath.version) else {
                throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            }
            return .json(list)
        }
        guard let type = store.resourceType(group: resourcePath.group, version: resourcePath.version, plural: plural) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        if type.namespaced == false && resourcePath.namespace != nil {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        return try await serve(request, type: type, path: resourcePath)
    }

    private func serve(_ request: HTTPRequest, type: ResourceType, path: ResourcePath) async throws(APIError) -> HTTPResponse {
        let query = QueryOptions(request)
        let userAgent = request.headers["User-Agent"]
        let namespace = type.namespaced ? path.namespace : nil
        if let subresource = path.subresource, subresource != "status" || !type.hasStatusSubresource {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        switch (request.method, path.name) {
        case (.GET, nil), (.HEAD, nil):
            if query.isWatch { return try WatchResponse.open(self, request: request, type: type, namespace: namespace, query: query) }
            let options = ListOptions(labelSelector: try query.labelSelector(), fieldSelector: try query.fieldSelector(for: type),
                                      limit: try query.limit(), continueToken: query.query["continue"])
            let list = try store.list(type, namespace: namespace, options: options)
            if wantsTable(request) {
                return .json(TableConverter.table(for: type, objects: list["items"]?.arrayValue ?? [], includeObject: query.query["includeObject"],
                                                  resourceVersion: list.value(at: "metadata", "resourceVersion")?.stringValue ?? "",
                                                  continueToken: list.value(at: "metadata", "continue")?.stringValue, now: store.clock()))
            }
            return .json(list)
        case (.GET, let name?), (.HEAD, let name?):
            let object = try store.get(type, namespace: namespace, name: name)
            if wantsTable(request) {
                return .json(TableConverter.table(for: type, objects: [object], includeObject: query.query["includeObject"],
                                                  resourceVersion: object.resourceVersionText, continueToken: nil, now: store.clock()))
            }
            return .json(object)
        case (.POST, nil):
            let body = try decodeBody(request, allowYAML: true)
            return written(try store.create(type, namespace: namespace, body: body, options: try query.writeOptions(userAgent: userAgent)))
        case (.PUT, let name?):
            let body = try decodeBody(request, allowYAML: true)
            return written(try store.update(type, namespace: namespace, name: name, body: body, subresource: path.subresource,
                                            options: try query.writeOptions(userAgent: userAgent)))
        case (.PATCH, let name?):
            guard let patchType = PatchType(rawValue: contentType(request)) else {
                throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")
            }
            let body = try decodeBody(request, allowYAML: patchType == .apply, checkType: false)
            return written(try store.patch(type, namespace: namespace, name: name, patch: body, patchType: patchType,
                                           subresource: path.subresource, options: try query.writeOptions(userAgent: userAgent)))
        case (.DELETE, let name?):
            let options = try deleteOptions(request, query: query)
            return written(try store.delete(type, namespace: namespace, name: name, options: options))
        case (.DELETE, nil):
            let options = try deleteOptions(request, query: query)
            let list = try store.list(type, namespace: namespace, options: ListOptions(labelSelector: try query.labelSelector(), fieldSelector: try query.fieldSelector(for: type)))
            for item in list["items"]?.arrayValue ?? [] {
                guard let name = item.value(at: "metadata", "name")?.stringValue else { continue }
                _ = try store.delete(type, namespace: item.value(at: "metadata", "namespace")?.stringValue, name: name, options: options)
            }
            return .json(list)
        default:
            throw APIError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    private func written(_ result: WriteResult) -> HTTPResponse {
        var response = HTTPResponse.json(result.object, status: result.code)
        for warning in result.warnings {
            response.headers.add("Warning", "299 - \"" + warning.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\"")
        }
        return response
    }

    private func deleteOptions(_ request: HTTPRequest, query: QueryOptions) throws(APIError) -> DeleteOptions {
        var options = DeleteOptions(dryRun: query.dryRun, propagationPolicy: query.query["propagationPolicy"])
        if !request.body.isEmpty {
            let body = try decodeBody(request, allowYAML: false, checkType: false)
            if body["dryRun"]?.arrayValue?.contains("All") == true { options.dryRun = true }
            options.preconditionResourceVersion = body.value(at: "preconditions", "resourceVersion")?.stringValue
            options.preconditionUID = body.value(at: "preconditions", "uid")?.stringValue
            options.propagationPolicy = body["propagationPolicy"]?.stringValue ?? options.propagationPolicy
        }
        return options
    }

    func contentType(_ request: HTTPRequest) -> String {
        let raw = request.headers["Content-Type"] ?? ""
        return raw.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
    }

    func wantsTable(_ request: HTTPRequest) -> Bool {
        (request.headers["Accept"] ?? "").contains("as=Table")
    }

    private func decodeBody(_ request: HTTPRequest, allowYAML: Bool, checkType: Bool = true) throws(APIError) -> Value {
        let type = contentType(request)
        if type == ProtobufBodies.contentType { return try ProtobufBodies.decode(request.body) }
        if checkType, !type.isEmpty, type != "application/json", type != "application/yaml", type != "*/*" {
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
        }
        if request.body.count > EmulatorAPI.maximumBodyBytes {
            throw APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(EmulatorAPI.maximumBodyBytes)")
        }
        do {
            return try JSONReader.parse(request.body)
        } catch let jsonError {
            guard allowYAML || type == "application/yaml" else {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(jsonError)")
            }
            do {
                let documents = try YAMLReader.documents(in: request.body, file: "request")
                guard documents.count == 1, let document = documents.first else {
                    throw APIError.badRequest("the request body must hold exactly one YAML document")
                }
                return document.value
            } catch let yamlError as YAMLError {
                throw APIError.badRequest("error decoding YAML: \(yamlError.message)")
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError.badRequest("\(error)")
            }
        }
    }

    func errorResponse(_ error: Error) -> HTTPResponse {
        let apiError = error as? APIError ?? APIError.internalError("\(error)")
        var response = HTTPResponse.json(apiError.status, status: apiError.code)
        if let retry = apiError.retryAfterSeconds { response.headers.set("Retry-After", String(retry)) }
        return response
    }
}

extension Value {
    var resourceVersionText: String { value(at: "metadata", "resourceVersion")?.stringValue ?? "" }
}
