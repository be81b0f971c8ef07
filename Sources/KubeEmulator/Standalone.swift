import Foundation
import FabricValue
import FabricYAML

extension KubeEmulator {
    /// Applies every manifest in `directory` (`*.yaml`, `*.yml`, `*.json`, sorted, `kustomization.yaml` skipped)
    /// with server-side apply as `fieldManager`, CRDs and Namespaces first. Returns `kind/name` of each object applied.
    @discardableResult
    public func applyManifests(in directory: String, fieldManager: String = "fabricsync") throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json")) && $0 != "kustomization.yaml" && !$0.hasPrefix(".") }
            .sorted()
        var documents: [Value] = []
        for file in files {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file)))
            documents += try YAMLReader.documents(in: bytes, file: file).map(\.value).filter { !$0.isNull }
        }
        func rank(_ document: Value) -> Int {
            switch document["kind"]?.stringValue {
            case "CustomResourceDefinition": return 0
            case "Namespace": return 1
            default: return 2
            }
        }
        var applied: [String] = []
        for document in documents.enumerated().sorted(by: { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }).map(\.element) {
            let apiVersion = document["apiVersion"]?.stringValue ?? ""
            let kind = document["kind"]?.stringValue ?? ""
            guard let type = store.resourceType(apiVersion: apiVersion, kind: kind) else {
                throw APIError(code: 404, reason: "NotFound", message: "no matches for kind \"\(kind)\" in version \"\(apiVersion)\"")
            }
            let name = document.value(at: "metadata", "name")?.stringValue ?? ""
            let namespace = type.namespaced ? (document.value(at: "metadata", "namespace")?.stringValue ?? "default") : nil
            _ = try store.patch(type, namespace: namespace, name: name, patch: document, patchType: .apply,
                                options: WriteOptions(fieldManager: fieldManager, fieldValidation: .strict, force: true))
            applied.append("\(kind)/\(name)")
        }
        return applied
    }

    /// `fabricsync emulator --listen HOST:PORT [--state FILE]`: serves until SIGINT or SIGTERM, then saves and stops.
    /// Prints the URL (and the kubeconfig written, when asked) on standard output.
    public static func runStandalone(listen: String, stateFile: String?, kubeconfigPath: String?, bearerToken: String?) async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw APIError.badRequest("--listen wants HOST:PORT, got \(listen)")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let emulator = try KubeEmulator(configuration: .init(host: host, port: port, bearerToken: bearerToken, stateFile: stateFile))
        let url = try await emulator.start()
        var lines = "kube emulator listening on \(url.absoluteString)\n"
        if let kubeconfigPath {
            try emulator.writeKubeconfig(to: kubeconfigPath)
            lines += "export KUBECONFIG=\(kubeconfigPath)\n"
        }
        FileHandle.standardOutput.write(Data(lines.utf8))
        await waitForTerminationSignal()
        await emulator.shutdown()
    }

    private static func waitForTerminationSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "kube-emulator.signals")
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            // The sources must outlive this scope; they live as long as the process serves.
            SignalSources.keep(sources)
        }
    }
}

private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    func claim() -> Bool { lock.withLock { defer { claimed = true }; return !claimed } }
}

private enum SignalSources {
    private final class Keeper: @unchecked Sendable {
        let lock = NSLock()
        var sources: [DispatchSourceSignal] = []
    }

    private static let keeper = Keeper()

    static func keep(_ sources: [DispatchSourceSignal]) {
        keeper.lock.withLock { keeper.sources += sources }
    }
}
