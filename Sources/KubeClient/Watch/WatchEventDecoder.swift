import FabricValue

/// The kind of a watch event, as the API server writes it.
public enum WatchEventType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One event of a watch stream: `{"type": "ADDED", "object": {...}}`.
public struct WatchEvent: Sendable, Equatable {
    public var type: WatchEventType
    public var object: Value

    public init(type: WatchEventType, object: Value) {
        self.type = type
        self.object = object
    }

    /// `metadata.resourceVersion` of the object (bookmarks carry only this).
    public var resourceVersion: String? { object.value(at: "metadata", "resourceVersion")?.stringValue }
}

/// A line of a watch stream that is not a watch event.
public struct WatchDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The start of the offending line, for the log.
    public var excerpt: String

    public var description: String { "watch stream: \(message) in \(excerpt)" }
}

/// Turns a watch response body, delivered in chunks cut anywhere, into events.
/// Every complete line is decoded as soon as its newline arrives — never held
/// back for the next chunk — and a line that is not an event is reported as
/// an error in its place in the sequence, not dropped.
public struct WatchEventDecoder: Sendable {
    private var pending: [UInt8] = []
    public let maximumLineBytes: Int

    public init(maximumLineBytes: Int = 64 << 20) { self.maximumLineBytes = maximumLineBytes }

    /// The events (and errors) completed by this chunk, in order.
    public mutating func push(_ chunk: some Collection<UInt8>) -> [Result<WatchEvent, WatchDecodeError>] {
        var results: [Result<WatchEvent, WatchDecodeError>] = []
        var lineStart = chunk.startIndex
        var index = chunk.startIndex
        while index != chunk.endIndex {
            if chunk[index] == UInt8(ascii: "\n") {
                if pending.isEmpty {
                    decodeLine(chunk[lineStart..<index], into: &results)
                } else {
                    pending.append(contentsOf: chunk[lineStart..<index])
                    decodeLine(pending, into: &results)
                    pending.removeAll(keepingCapacity: true)
                }
                lineStart = chunk.index(after: index)
            }
            index = chunk.index(after: index)
        }
        pending.append(contentsOf: chunk[lineStart..<chunk.endIndex])
        if pending.count > maximumLineBytes {
            results.append(.failure(WatchDecodeError(message: "an event longer than \(maximumLineBytes) bytes", excerpt: Self.excerpt(pending))))
            pending.removeAll()
        }
        return results
    }

    /// At the end of the stream: the last event when it lacked its newline.
    public mutating func finish() -> [Result<WatchEvent, WatchDecodeError>] {
        defer { pending.removeAll() }
        var results: [Result<WatchEvent, WatchDecodeError>] = []
        decodeLine(pending, into: &results)
        return results
    }

    private func decodeLine(_ line: some Collection<UInt8>, into results: inout [Result<WatchEvent, WatchDecodeError>]) {
        // Blank lines (and a lone CR) carry nothing: some proxies add them as keep-alives.
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { return }
        results.append(Self.decode(line))
    }

    /// Decodes one line holding one event.
    public static func decode(_ line: some Collection<UInt8>) -> Result<WatchEvent, WatchDecodeError> {
        let value: Value
        do {
            value = try JSONReader.parse(bytes: line)
        } catch {
            return .failure(WatchDecodeError(message: "not JSON (\(error))", excerpt: excerpt(line)))
        }
        guard let typeName = value["type"]?.stringValue else {
            return .failure(WatchDecodeError(message: "an event without a type", excerpt: excerpt(line)))
        }
        guard let type = WatchEventType(rawValue: typeName) else {
            return .failure(WatchDecodeError(message: "an unknown event type \(typeName)", excerpt: excerpt(line)))
        }
        guard let object = value["object"], case .object = object else {
            return .failure(WatchDecodeError(message: "a \(typeName) event without an object", excerpt: excerpt(line)))
        }
        return .success(WatchEvent(type: type, object: object))
    }

    private static func excerpt(_ line: some Collection<UInt8>) -> String {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return line.count > 200 ? text + "…" : text
    }
}
