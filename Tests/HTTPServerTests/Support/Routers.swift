import HTTPServer

/// Routes the socket-level tests share.
func basicRouter() -> Router {
    var router = Router()
    router.get("/hello") { _ in .text("hello") }
    router.post("/echo") { request in HTTPResponse(status: 200, body: request.body) }
    router.post("/small", bodyLimit: 16) { request in .text("\(request.body.count)") }
    return router
}

/// A request made while the server is under some abuse: it must still be answered.
func assertServerAnswers(port: Int) async throws {
    let response = try await blocking {
        let client = try RawClient(port: port)
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        return try client.receiveResponse()
    }
    guard response.status == 200, response.body == "hello" else {
        throw TestFailure("the server did not answer a normal request meanwhile: \(response)")
    }
}
