import Foundation
import FabricValue
import HTTPServer

/// A watch as newline-delimited JSON over a chunked response: replayed or
/// initial events, then live ones, BOOKMARKs while idle when asked, until
/// `timeoutSeconds`, the client leaving, or the watch being dropped.
enum WatchResponse {
    static func open(_ api: EmulatorAPI, request: HTTPRequest, type: ResourceType, namespace: String?, query: QueryOptions) throws(APIError) -> HTTPResponse {
        let sendInitialEvents = query.query["sendInitialEvents"] == "true"
        if sendInitialEvents && query.query["allowWatchBookmarks"] != "true" {
            throw APIError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", causes: [
                APIError.Cause(reason: "FieldValueForbidden", message: "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and allowWatchBookmarks is set to true", field: "sendInitialEvents"),
            ])
        }
        let options = WatchOptions(labelSelector: try query.labelSelector(), fieldSelector: try query.fieldSelector(for: type),
                                   resourceVersion: query.query["resourceVersion"], sendInitialEvents: sendInitialEvents)
        let table = api.wantsTable(request)
        let includeObject = query.query["includeObject"]
        let headers: HTTPHeaders = ["Content-Type": "application/json"]
        let watcher: Watcher
        do {
            watcher = try api.store.watch(type, namespace: namespace, options: options)
        } catch {
            guard error.code == 410 else { throw error }
            // As the real API does, an expired version is reported inside a 200 stream as an ERROR event.
            let line = JSONWriter.data(WatchEvent(type: "ERROR", object: error.status).json) + [0x0A]
            return .stream(headers: headers) { writer in try await writer.write(line) }
        }
        let bookmarks = query.query["allowWatchBookmarks"] == "true"
        let timeout = query.timeout(default: api.defaultWatchTimeout)
        let interval = api.bookmarkInterval
        let store = api.store
        return .stream(headers: headers) { writer in
            writer.onClose { watcher.close() }
            defer { watcher.close() }
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while true {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero { break }
                let wait = bookmarks ? min(remaining, interval) : remaining
                if let event = await watcher.next(timeout: wait) {
                    var shown = event
                    if table && event.type != "BOOKMARK" {
                        shown.object = TableConverter.table(for: type, objects: [event.object], includeObject: includeObject,
                                                            resourceVersion: event.object.resourceVersionText, continueToken: nil, now: store.clock())
                    }
                    try await writer.write(JSONWriter.data(shown.json) + [0x0A])
                    continue
                }
                if watcher.isClosed || writer.isClosed { break }
                if bookmarks && ContinuousClock.now < deadline {
                    try await writer.write(JSONWriter.data(store.bookmark(for: type).json) + [0x0A])
                }
            }
        }
    }
}
