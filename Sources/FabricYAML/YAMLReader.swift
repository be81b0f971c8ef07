import CYAML
import FabricValue

/// Reads YAML streams on libyaml's event API, typing scalars as `kubectl apply -f` does.
public enum YAMLReader {
    /// Every document of the stream in `bytes` (a stream with no document gives none;
    /// `---` with nothing under it gives a `.null` document).
    public static func documents(in bytes: [UInt8], file: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLDocument] {
        if bytes.count > limits.maximumBytes {
            throw YAMLError(
                mark: SourceMark(file: file, line: 1, column: 1),
                message: "file is \(bytes.count) bytes, over the \(limits.maximumBytes)-byte limit (--max-file-size)")
        }
        let result: Result<[YAMLDocument], YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                return .failure(YAMLError(mark: SourceMark(file: file, line: 1, column: 1), message: "cannot initialize the YAML parser (out of memory)"))
            }
            defer { yaml_parser_delete(parser) }
            // libyaml asserts a non-null input pointer, even for no bytes.
            let placeholder = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
            defer { placeholder.deallocate() }
            yaml_parser_set_input_string(parser, buffer.baseAddress ?? UnsafePointer(placeholder), buffer.count)
            return Result { () throws(YAMLError) in try run(parser, buffer: buffer, file: file, limits: limits) }
        }
        return try result.get()
    }

    private static func run(
        _ parser: UnsafeMutablePointer<yaml_parser_t>, buffer: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits
    ) throws(YAMLError) -> [YAMLDocument] {
        var builder = DocumentBuilder(file: file, limits: limits)
        var documents: [YAMLDocument] = []
        var documentStart = DocumentBuilder.Position(line: 1, column: 1)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw parserError(parser.pointee, buffer: buffer, file: file)
            }
            defer { yaml_event_delete(&event) }
            let position = DocumentBuilder.Position(
                line: Int32(truncatingIfNeeded: event.start_mark.line + 1),
                column: Int32(truncatingIfNeeded: event.start_mark.column + 1))
            switch event.type {
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                try scalar(
                    UnsafeBufferPointer(start: data.value, count: data.length), tag: data.tag, anchor: data.anchor,
                    plain: data.style == YAML_PLAIN_SCALAR_STYLE, at: position, documentStart: documentStart, into: &builder)
            case YAML_MAPPING_START_EVENT:
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                try builder.startCollection(isMapping: true, anchor: anchor, at: position)
            case YAML_SEQUENCE_START_EVENT:
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                try builder.startCollection(isMapping: false, anchor: anchor, at: position)
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                try builder.endCollection()
            case YAML_ALIAS_EVENT:
                try builder.alias(String(cString: event.data.alias.anchor), at: position)
            case YAML_DOCUMENT_START_EVENT:
                documentStart = position
            case YAML_DOCUMENT_END_EVENT:
                documents.append(builder.finishDocument(index: documents.count, documentStart: documentStart))
            case YAML_STREAM_END_EVENT:
                return documents
            default:
                break
            }
        }
    }

    private static func scalar(
        _ bytes: UnsafeBufferPointer<UInt8>, tag rawTag: UnsafeMutablePointer<UInt8>?, anchor rawAnchor: UnsafeMutablePointer<UInt8>?,
        plain: Bool, at position: DocumentBuilder.Position, documentStart: DocumentBuilder.Position, into builder: inout DocumentBuilder
    ) throws(YAMLError) {
        var tag: String?
        let value: Value
        if let rawTag {
            let written = String(cString: rawTag)
            tag = written
            do throws(ScalarResolver.TypingError) {
                value = try ScalarResolver.resolve(bytes, tag: written)
            } catch {
                throw builder.error(error.message, at: position)
            }
        } else {
            value = plain ? ScalarResolver.resolvePlain(bytes) : .string(ScalarResolver.makeString(bytes))
        }
        let anchor = rawAnchor.map { String(cString: $0) }
        if builder.expectsKey {
            let isMerge = bytes.count == 2 && bytes[0] == UInt8(ascii: "<") && bytes[1] == UInt8(ascii: "<")
                && (plain && tag == nil || tag == ScalarResolver.longTagPrefix + "merge")
            // A key that decoded to a string is its bytes; others are fingerprinted from their text.
            let fingerprint: UInt64? = if case .string = value { KeyFingerprint.of(bytes) } else { nil }
            try builder.key(value, fingerprint: fingerprint, isMerge: isMerge, anchor: anchor, at: position)
        } else if bytes.isEmpty && plain && builder.isAtRoot {
            // An empty document is marked at its `---`, not after it.
            try builder.scalar(value, anchor: anchor, at: documentStart)
        } else {
            try builder.scalar(value, anchor: anchor, at: position)
        }
    }

    /// libyaml's own problem and context text, at the position it names.
    private static func parserError(_ parser: yaml_parser_t, buffer: UnsafeBufferPointer<UInt8>, file: String) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse YAML"
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            let (line, column) = TextPosition.lineAndColumn(ofByte: parser.problem_offset, in: buffer)
            var message = problem
            if parser.problem_value != -1 { message += " #x" + hex(parser.problem_value) }
            return YAMLError(mark: SourceMark(file: file, line: line, column: column), message: message)
        }
        if parser.error == YAML_MEMORY_ERROR {
            return YAMLError(mark: SourceMark(file: file, line: 1, column: 1), message: "out of memory while parsing YAML")
        }
        let mark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextMark = parser.context_mark
            message += " (\(context) at line \(contextMark.line + 1), column \(contextMark.column + 1))"
        }
        return YAMLError(mark: SourceMark(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1), message: message)
    }

    private static func hex(_ value: Int32) -> String {
        let digits = String(UInt32(bitPattern: value), radix: 16, uppercase: true)
        return digits.count % 2 == 1 ? "0" + digits : digits
    }
}

/// Line and column (1-based, columns in characters) of a byte offset, as libyaml counts them.
enum TextPosition {
    static func lineAndColumn(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1
        var column = 1
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = min(offset, bytes.count)
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\n") || (c == UInt8(ascii: "\r") && (i + 1 >= bytes.count || bytes[i + 1] != UInt8(ascii: "\n"))) {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 && c != UInt8(ascii: "\r") {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}
