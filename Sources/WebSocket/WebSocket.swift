// WebSocket (RFC 6455) for fabricsync's notification server, in layers that each stand alone.
//
// Serving a route (the usual entry point):
//
//     router.get("/api/v1/ws") { request in
//         WebSocketConnection.upgrade(request, options: .init(allowedOrigins: origins)) { socket, request in
//             for await message in socket.messages { … socket.trySend(text: reply) … }
//         }
//     }
//
// - `WebSocketConnection`: one connection over a `WebSocketTransport` (the HTTP server's upgraded
//   connection via `UpgradedConnectionTransport`). `messages` is the incoming async sequence
//   (iterating it is what reads); `send(text:)` waits while the peer is slow, `trySend(text:)`
//   never waits and answers `.peerIsSlow` instead (then `close(code: .tryAgainLater)`);
//   `close(code:reason:)` starts the close handshake and `closed()` waits for its end. Pings,
//   the idle timeout and the close deadline run by themselves (`WebSocketConfiguration`).
// - `WebSocketHandshake.evaluate(method:httpVersion:headers:options:)`: a pure function from an
//   upgrade request to the 101 response headers or an error status (400, 403, 405, 426), so any HTTP
//   server can use it. The internal `SHA1` and `Base64` exist only for its `Sec-WebSocket-Accept`.
// - The frame codec: `WebSocketFrameDecoder` (incremental, any chunk boundaries, frame-level rules
//   checked on the header before the payload is buffered) and `WebSocketFrameEncoder`.
// - `WebSocketMessageAssembler`: fragmentation, the message size limit, incremental UTF-8
//   (the internal `UTF8Validator`), close payloads.
// - `WebSocketStateMachine`: one connection as bytes-and-clock in, `WebSocketAction`s out — pong,
//   close echo, failing with the right `WebSocketCloseCode`, ping schedule, idle timeout, and the
//   "send close, wait for the peer's close, then drop the socket" handshake. `WebSocketConnection`
//   only runs it.
// - `WebSocketClient.connect(host:port:path:headers:configuration:)`: the client side (our terminal
//   client, load tests) — `WebSocketClientHandshake` plus a Dispatch-driven socket transport,
//   giving a `WebSocketConnection` in the client role.
//
// A violation becomes a `WebSocketProtocolError` carrying the close code to send: 1002 protocol,
// 1007 invalid UTF-8, 1009 too big. The server itself closes with 1000, 1001 (shutdown, idle),
// 1008 (policy), 1011 (server error) and 1013 (slow client).
