import FabricValue

/// What to watch from, and how.
public struct WatchOptions: Sendable {
    /// Events after this version; nil: the current state as ADDED events, then changes.
    public var resourceVersion: String?
    public var allowBookmarks: Bool
    /// The server ends the watch after this long (the client then resumes).
    public var timeoutSeconds: Int?
    public var labelSelector: String?
    public var fieldSelector: String?

    public init(resourceVersion: String? = nil, allowBookmarks: Bool = true, timeoutSeconds: Int? = nil, labelSelector: String? = nil,
                fieldSelector: String? = nil) {
        self.resourceVersion = resourceVersion
        self.allowBookmarks = allowBookmarks
        self.timeoutSeconds = timeoutSeconds
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }
}

extension KubeClient {
    /// Watches a kind. The request is made when iteration starts; events are
    /// read from the connection only as fast as they are consumed. An ERROR
    /// event ends the iteration with its Status (410 `Expired`: relist), and a
    /// line that is not an event ends it with `.watch`.
    public func watch(apiVersion: String, kind: String, namespace: String? = nil, allNamespaces: Bool = false,
                      options: WatchOptions = WatchOptions()) -> WatchStream {
        WatchStream(client: self, apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: allNamespaces, options: options)
    }
}

public struct WatchStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent
    let client: KubeClient
    let apiVersion: String
    let kind: String
    let namespace: String?
    let allNamespaces: Bool
    let options: WatchOptions

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: WatchStream
        private var body: TransportStream.Iterator?
        private var decoder = WatchEventDecoder()
        private var pending: [Result<WatchEvent, WatchDecodeError>] = []
        private var pendingIndex = 0
        private var head: ResponseHead?
        private var finished = false

        init(stream: WatchStream) { self.stream = stream }

        public mutating func next() async throws(KubeError) -> WatchEvent? {
            while true {
                if pendingIndex < pending.count {
                    let result = pending[pendingIndex]
                    pendingIndex += 1
                    switch result {
                    case .success(let event) where event.type == .error:
                        finished = true
                        throw .status(KubeStatus(object: event.object) ?? KubeStatus(code: 500, reason: "InternalError",
                                                                                     message: "watch error: \(JSONWriter.string(event.object))"))
                    case .success(let event): return event
                    case .failure(let error):
                        finished = true
                        throw .watch(error)
                    }
                }
                pending.removeAll(keepingCapacity: true)
                pendingIndex = 0
                if finished { return nil }
                if body == nil { body = try await open().makeAsyncIterator() }
                let part: StreamPart?
                do {
                    part = try await body?.next()
                } catch let error as TransportError {
                    finished = true
                    throw .transport(error)
                } catch {
                    finished = true
                    throw .transport(TransportError(kind: .other, message: "\(error)"))
                }
                switch part {
                case nil:
                    finished = true
                    pending = decoder.finish()
                case .head(let received)?:
                    head = received
                    if received.status >= 300 { try await failWithBody(received) }
                case .body(let bytes)?:
                    pending = decoder.push(bytes)
                }
            }
        }

        private func open() async throws(KubeError) -> TransportStream {
            let client = stream.client
            let resource = try await client.resource(apiVersion: stream.apiVersion, kind: stream.kind)
            let path = resource.path(namespace: stream.allNamespaces ? nil : client.namespace(for: resource, stream.namespace))
            let options = stream.options
            var query: [(String, String)] = [("watch", "true")]
            if let rv = options.resourceVersion { query.append(("resourceVersion", rv)) }
            if options.allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
            if let timeout = options.timeoutSeconds { query.append(("timeoutSeconds", String(timeout))) }
            if let selector = options.labelSelector { query.append(("labelSelector", selector)) }
            if let selector = options.fieldSelector { query.append(("fieldSelector", selector)) }
            do {
                try await client.limiter.waitForToken()
            } catch {
                throw .transport(TransportError(kind: .cancelled, message: "watch \(path): cancelled"))
            }
            var request = try await client.sender.transportRequest(APIRequest(method: "GET", path: path, query: query))
            request.timeout = nil
            return client.transport.stream(request)
        }

        /// A watch refused with an HTTP error: read its Status and throw it.
        private mutating func failWithBody(_ head: ResponseHead) async throws(KubeError) {
            var bytes: [UInt8] = []
            do {
                while let part = try await body?.next() {
                    if case .body(let chunk) = part { bytes += chunk }
                }
            } catch {
                // The status line already says what failed; a broken error body only loses its detail.
            }
            finished = true
            throw .status(KubeStatus(response: TransportResponse(status: head.status, headers: head.headers, body: bytes)))
        }
    }
}
