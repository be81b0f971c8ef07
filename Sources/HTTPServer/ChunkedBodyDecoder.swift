/// Decodes a chunked request body (RFC 9112 §7.1) incrementally, refusing it with 413 as soon
/// as a chunk size announces more than the limit, so an endless body is never buffered.
public struct ChunkedBodyDecoder: Sendable {
    public enum Progress: Equatable, Sendable {
        case needMore
        case done
        case failure(HTTPParseError)
    }

    private enum State: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer(bytes: Int)
        case done
    }

    public let limit: Int
    public let maxLineBytes: Int
    public let maxTrailerBytes: Int
    private var state = State.size
    public private(set) var decodedBytes = 0

    public init(limit: Int, maxLineBytes: Int = 4096, maxTrailerBytes: Int = 64 * 1024) {
        self.limit = limit
        self.maxLineBytes = maxLineBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Consumes what it can of `bytes`, appending chunk data to `body`. Returns how many bytes it
    /// consumed; the rest (a partial line) must be offered again with more data after it.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) -> (consumed: Int, progress: Progress) {
        var index = 0
        while true {
            switch state {
            case .done:
                return (index, .done)
            case .size:
                guard let (line, next) = nextLine(bytes, from: index) else {
                    return bytes.count - index > maxLineBytes
                        ? (index, .failure(.badRequest("chunk size line too long"))) : (index, .needMore)
                }
                guard line.count <= maxLineBytes else { return (index, .failure(.badRequest("chunk size line too long"))) }
                let size: Int
                switch chunkSize(line) {
                case .success(let value): size = value
                case .failure(let error): return (index, .failure(error))
                }
                guard size <= limit - decodedBytes else {
                    return (index, .failure(.contentTooLarge("body larger than \(limit) bytes")))
                }
                index = next
                state = size == 0 ? .trailer(bytes: 0) : .data(remaining: size)
            case .data(let remaining):
                let available = min(remaining, bytes.count - index)
                guard available > 0 else { return (index, .needMore) }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + available)]))
                decodedBytes += available
                index += available
                state = remaining == available ? .dataEnd : .data(remaining: remaining - available)
            case .dataEnd:
                guard let (line, next) = nextLine(bytes, from: index) else {
                    return bytes.count - index > 2 ? (index, .failure(.badRequest("chunk data longer than its size"))) : (index, .needMore)
                }
                guard line.isEmpty else { return (index, .failure(.badRequest("chunk data longer than its size"))) }
                index = next
                state = .size
            case .trailer(let seen):
                guard let (line, next) = nextLine(bytes, from: index) else {
                    return seen + bytes.count - index > maxTrailerBytes
                        ? (index, .failure(.headersTooLarge("trailer fields too large"))) : (index, .needMore)
                }
                index = next
                // Trailer fields are read and dropped: nothing in this server acts on them.
                state = line.isEmpty ? .done : .trailer(bytes: seen + line.count + 2)
                if case .trailer(let total) = state, total > maxTrailerBytes {
                    return (index, .failure(.headersTooLarge("trailer fields too large")))
                }
            }
        }
    }

    /// The line starting at `start` without its CRLF (or bare LF), and the index after it.
    private func nextLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (UnsafeBufferPointer<UInt8>, Int)? {
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0A {
                let end = i > start && bytes[i - 1] == 0x0D ? i - 1 : i
                return (UnsafeBufferPointer(rebasing: bytes[start..<end]), i + 1)
            }
            i += 1
        }
        return nil
    }

    private func chunkSize(_ line: UnsafeBufferPointer<UInt8>) -> Result<Int, HTTPParseError> {
        var size = 0
        var digits = 0
        for byte in line {
            if byte == UInt8(ascii: ";") || byte == 0x20 || byte == 0x09 { break }  // chunk extensions are ignored
            guard let digit = hexValue(byte) else { return .failure(.badRequest("malformed chunk size")) }
            digits += 1
            // Sixteen hex digits overflow Int; anything that long is beyond any limit anyway.
            guard digits <= 15 else { return .failure(.contentTooLarge("chunk size too large")) }
            size = size << 4 | digit
        }
        return digits == 0 ? .failure(.badRequest("malformed chunk size")) : .success(size)
    }
}
