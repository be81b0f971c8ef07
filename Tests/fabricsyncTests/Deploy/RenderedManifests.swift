import FabricValue
import FabricYAML
import Foundation
import XCTest

/// Every object the `manifests/` kustomize base renders: from the real `kubectl kustomize` when it is installed,
/// else from the files the kustomizations list, read with FabricYAML (the base uses no patches or generators,
/// so both give the same objects).
enum RenderedManifests {
    static let folder = FabricsyncProcess.packageRoot.appendingPathComponent("manifests")

    static var kubectl: String? {
        ["/usr/local/bin/kubectl", "/usr/bin/kubectl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func objects() throws -> [Value] {
        let yaml: [UInt8]
        if let kubectl {
            let result = try runProgram(kubectl, ["kustomize", folder.path])
            guard result.status == 0 else { throw failure("kubectl kustomize failed: \(result.stderr)") }
            yaml = Array(result.stdout.utf8)
            return try YAMLReader.documents(in: yaml, file: "kubectl-kustomize").map(\.value).filter { $0 != .null }
        }
        return try filesObjects(in: folder)
    }

    /// The fallback: follows `resources:` of each kustomization.yaml, folders recursively.
    static func filesObjects(in folder: URL) throws -> [Value] {
        let kustomization = folder.appendingPathComponent("kustomization.yaml")
        let documents = try YAMLReader.documents(in: Array(try Data(contentsOf: kustomization)), file: kustomization.path)
        var objects: [Value] = []
        for resource in documents.first?.value["resources"]?.arrayValue ?? [] {
            guard let name = resource.stringValue else { continue }
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
            if isFolder.boolValue {
                objects += try filesObjects(in: url)
            } else {
                objects += try YAMLReader.documents(in: Array(try Data(contentsOf: url)), file: url.path).map(\.value).filter { $0 != .null }
            }
        }
        return objects
    }

    static func failure(_ message: String) -> NSError {
        NSError(domain: "manifests", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
    }

    /// Runs a program and waits (generous timeout only against a hang). `environment` is added to this process's
    /// own, or with `inherit: false` is the whole environment.
    static func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:], inherit: Bool = true,
                           timeout: TimeInterval = 120) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = inherit ? ProcessInfo.processInfo.environment.merging(environment) { $1 } : environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw failure("\(executable) \(arguments) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

extension Array where Element == Value {
    func objects(kind: String) -> [Value] { filter { $0["kind"]?.stringValue == kind } }

    func object(kind: String, name: String) -> Value? {
        first { $0["kind"]?.stringValue == kind && $0.value(at: "metadata", "name")?.stringValue == name }
    }
}

extension Value {
    var strings: [String] { (arrayValue ?? []).compactMap(\.stringValue) }
    var name: String { value(at: "metadata", "name")?.stringValue ?? "" }
}
