import Foundation
import FabricValue

/// Decodes the protobuf request bodies `kubectl create namespace|configmap|secret|serviceaccount`
/// sends (`application/vnd.kubernetes.protobuf`), into the JSON shape the store takes.
/// Only these kinds are understood; anything else stays a 415, as for an unknown format.
enum ProtobufBodies {
    static let contentType = "application/vnd.kubernetes.protobuf"

    static func decode(_ bytes: [UInt8]) throws(APIError) -> Value {
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x6B, 0x38, 0x73, 0x00] else {
            throw APIError.badRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
        }
        var envelope = Reader(bytes: bytes[4...])
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        while let (field, value) = try envelope.next() {
            switch (field, value) {
            case (1, .bytes(let typeMeta)):
                var reader = Reader(bytes: typeMeta)
                while let (inner, innerValue) = try reader.next() {
                    if inner == 1 { apiVersion = innerValue.string }
                    if inner == 2 { kind = innerValue.string }
                }
            case (2, .bytes(let body)): raw = body
            default: break
            }
        }
        var object = Object([("apiVersion", .string(apiVersion)), ("kind", .string(kind))])
        var reader = Reader(bytes: raw)
        switch (apiVersion, kind) {
        case ("v1", "Namespace"):
            while let (field, value) = try reader.next() {
                if field == 1 { object["metadata"] = try metadata(value.slice) }
                if field == 2 {
                    var spec = Reader(bytes: value.slice)
                    var finalizers: [Value] = []
                    while let (inner, innerValue) = try spec.next() {
                        if inner == 1 { finalizers.append(.string(innerValue.string)) }
                    }
                    if !finalizers.isEmpty { object["spec"] = ["finalizers": .array(finalizers)] }
                }
            }
        case ("v1", "ConfigMap"), ("v1", "Secret"):
            let secret = kind == "Secret"
            var data = Object()
            var binary = Object()
            var stringData = Object()
            while let (field, value) = try reader.next() {
                switch field {
                case 1: object["metadata"] = try metadata(value.slice)
                case 2:
                    let (key, entry) = try mapEntry(value.slice)
                    data[key] = secret ? .string(Data(entry).base64EncodedString()) : .string(String(decoding: entry, as: UTF8.self))
                case 3 where !secret:
                    let (key, entry) = try mapEntry(value.slice)
                    binary[key] = .string(Data(entry).base64EncodedString())
                case 3: object["type"] = .string(value.string)
                case 4 where secret:
                    let (key, entry) = try mapEntry(value.slice)
                    stringData[key] = .string(String(decoding: entry, as: UTF8.self))
                case 4, 5: object["immutable"] = .bool(value.integer != 0)
                default: break
                }
            }
            if !data.isEmpty { object["data"] = .object(data) }
            if !binary.isEmpty { object["binaryData"] = .object(binary) }
            if !stringData.isEmpty { object["stringData"] = .object(stringData) }
        case ("v1", "ServiceAccount"):
            while let (field, value) = try reader.next() {
                if field == 1 { object["metadata"] = try metadata(value.slice) }
                if field == 4 { object["automountServiceAccountToken"] = .bool(value.integer != 0) }
            }
        default:
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
        }
        return .object(object)
    }

    private static func metadata(_ bytes: ArraySlice<UInt8>) throws(APIError) -> Value {
        var reader = Reader(bytes: bytes)
        var metadata = Object()
        var labels = Object()
        var annotations = Object()
        var finalizers: [Value] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: metadata["name"] = .string(value.string)
            case 2: metadata["generateName"] = .string(value.string)
            case 3: metadata["namespace"] = .string(value.string)
            case 6: metadata["resourceVersion"] = .string(value.string)
            case 11:
                let (key, entry) = try mapEntry(value.slice)
                labels[key] = .string(String(decoding: entry, as: UTF8.self))
            case 12:
                let (key, entry) = try mapEntry(value.slice)
                annotations[key] = .string(String(decoding: entry, as: UTF8.self))
            case 14: finalizers.append(.string(value.string))
            default: break
            }
        }
        for key in ["name", "generateName", "namespace", "resourceVersion"] where metadata[key]?.stringValue == "" { metadata[key] = nil }
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers) }
        return .object(metadata)
    }

    private static func mapEntry(_ bytes: ArraySlice<UInt8>) throws(APIError) -> (String, ArraySlice<UInt8>) {
        var reader = Reader(bytes: bytes)
        var key = ""
        var value: ArraySlice<UInt8> = []
        while let (field, item) = try reader.next() {
            if field == 1 { key = item.string }
            if field == 2 { value = item.slice }
        }
        return (key, value)
    }

    enum FieldValue {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed

        var slice: ArraySlice<UInt8> { if case .bytes(let b) = self { return b } else { return [] } }
        var string: String { String(decoding: slice, as: UTF8.self) }
        var integer: UInt64 { if case .varint(let v) = self { return v } else { return 0 } }
    }

    /// The protobuf wire format: varint keys, then varint, 64-bit, length-delimited or 32-bit values.
    struct Reader {
        var bytes: ArraySlice<UInt8>

        mutating func varint() throws(APIError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = bytes.popFirst() {
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { break }
            }
            throw APIError.badRequest("malformed protobuf body: bad varint")
        }

        mutating func next() throws(APIError) -> (Int, FieldValue)? {
            guard !bytes.isEmpty else { return nil }
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: return (field, .varint(try varint()))
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard bytes.count >= width else { throw APIError.badRequest("malformed protobuf body: truncated") }
                bytes = bytes.dropFirst(width)
                return (field, .fixed)
            case 2:
                let length = Int(try varint())
                guard length >= 0, bytes.count >= length else { throw APIError.badRequest("malformed protobuf body: truncated") }
                let value = bytes.prefix(length)
                bytes = bytes.dropFirst(length)
                return (field, .bytes(value))
            default:
                throw APIError.badRequest("malformed protobuf body: unsupported wire type \(key & 7)")
            }
        }
    }
}
