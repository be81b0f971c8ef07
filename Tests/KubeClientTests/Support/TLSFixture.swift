import Foundation

/// Certificates made with the `openssl` program in a temp folder: a CA, a
/// server certificate for 127.0.0.1 signed by it, a client certificate signed
/// by it, and a second, unrelated CA.
struct TLSFixture: Sendable {
    let folder: URL

    var caCertificate: URL { folder.appendingPathComponent("ca.crt") }
    var serverCertificate: URL { folder.appendingPathComponent("server.crt") }
    var serverKey: URL { folder.appendingPathComponent("server.key") }
    var clientCertificate: URL { folder.appendingPathComponent("client.crt") }
    var clientKey: URL { folder.appendingPathComponent("client.key") }
    var otherCACertificate: URL { folder.appendingPathComponent("other-ca.crt") }
    var otherClientCertificate: URL { folder.appendingPathComponent("other-client.crt") }
    var otherClientKey: URL { folder.appendingPathComponent("other-client.key") }

    func bytes(_ file: URL) throws -> [UInt8] { Array(try Data(contentsOf: file)) }

    /// Made once per test process.
    static func shared() throws -> TLSFixture { try made.get() }

    private static let made: Result<TLSFixture, Error> = Result { try make() }

    private static func make() throws -> TLSFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclient-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        func openssl(_ arguments: [String]) throws { try run("openssl", arguments, in: folder) }
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=fabricsync test CA"])
        try openssl(["req", "-x509"] + ec + ["-keyout", "other-ca.key", "-out", "other-ca.crt", "-days", "2", "-subj", "/CN=unrelated CA"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(to: folder.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(to: folder.appendingPathComponent("client.ext"), atomically: true, encoding: .utf8)
        for (name, ca, ext) in [("server", "ca", "server.ext"), ("client", "ca", "client.ext"), ("other-client", "other-ca", "client.ext")] {
            try openssl(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).crt", "-CAkey", "\(ca).key", "-CAcreateserial",
                         "-out", "\(name).crt", "-days", "2", "-extfile", ext])
        }
        return TLSFixture(folder: folder)
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program to completion; throws with its output when it fails.
@discardableResult
func run(_ program: String, _ arguments: [String], in folder: URL? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    if let folder { process.currentDirectoryURL = folder }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw CommandFailure(description: "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
    }
    return text
}
