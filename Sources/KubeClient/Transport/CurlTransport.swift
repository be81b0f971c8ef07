import CCurl
import Foundation

/// TLS material for one cluster, trusted for that cluster only.
public struct TLSSettings: Sendable, Equatable {
    /// PEM bundle of the CAs that may sign the server's certificate; `nil`: the system's.
    public var certificateAuthorityPEM: [UInt8]?
    /// PEM client certificate (chain) and its key, presented when the server asks.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var insecureSkipVerify: Bool

    public init(certificateAuthorityPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, insecureSkipVerify: Bool = false) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// The HTTP transport over libcurl (see the README for why libcurl): per-cluster
/// CA and client certificate, keep-alive through a small pool of easy handles,
/// and bodies streamed as they arrive. Each transfer runs `curl_easy_perform`
/// on its own thread, bridged to async code by a continuation or a `StreamChannel`.
public final class CurlTransport: HTTPTransport {
    public struct Options: Sendable {
        public var tls: TLSSettings
        public var connectTimeout: Duration
        /// A collected response body larger than this fails with `.responseTooLarge`.
        public var maximumResponseBytes: Int
        /// How far a stream's consumer may fall behind before the transfer waits for it.
        public var streamBufferBytes: Int
        /// Easy handles (each with its live connections) kept for reuse.
        public var idleHandles: Int
        /// A stream that receives nothing for this long is ended with `.timeout`, so a
        /// connection that died without a reset is noticed (API servers send watch
        /// bookmarks about once a minute); nil: never.
        public var streamIdleTimeout: Duration?

        public init(tls: TLSSettings = TLSSettings(), connectTimeout: Duration = .seconds(10), maximumResponseBytes: Int = 512 << 20, streamBufferBytes: Int = 4 << 20, idleHandles: Int = 8,
                    streamIdleTimeout: Duration? = .seconds(300)) {
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.streamBufferBytes = streamBufferBytes
            self.idleHandles = idleHandles
            self.streamIdleTimeout = streamIdleTimeout
        }
    }

    public let options: Options
    private let pool: HandlePool

    public init(options: Options = Options()) {
        CurlGlobal.initialize()
        self.options = options
        self.pool = HandlePool(capacity: options.idleHandles)
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let transfer = CurlTransfer(request: request, options: options, channel: nil)
        let pool = self.pool
        let result: Result<TransportResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: transfer.run(pool: pool))
                }
                thread.name = "curl \(request.method)"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
        return try result.get()
    }

    public func stream(_ request: TransportRequest) -> TransportStream {
        let channel = StreamChannel(limit: options.streamBufferBytes)
        let transfer = CurlTransfer(request: request, options: options, channel: channel)
        let pool = self.pool
        let thread = Thread {
            switch transfer.run(pool: pool) {
            case .success: channel.finish(nil)
            case .failure(let error): channel.finish(error)
            }
        }
        thread.name = "curl stream"
        thread.start()
        return TransportStream(channel: channel)
    }
}

enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    static func initialize() {
        // curl_global_init is not thread-safe; a static let runs it exactly once.
        precondition(initialized, "curl_global_init failed")
    }
}

/// Idle easy handles. A handle keeps its connection cache across
/// `curl_easy_reset`, so reusing it reuses the kept-alive connection.
final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    deinit {
        for handle in idle { curl_easy_cleanup(handle) }
    }

    func checkOut() -> UnsafeMutableRawPointer? {
        lock.lock()
        let handle = idle.popLast()
        lock.unlock()
        return handle ?? curl_easy_init()
    }

    func checkIn(_ handle: UnsafeMutableRawPointer) {
        lock.lock()
        if idle.count < capacity {
            idle.append(handle)
            lock.unlock()
        } else {
            lock.unlock()
            curl_easy_cleanup(handle)
        }
    }
}
