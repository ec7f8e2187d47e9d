import HTTPTypes
import Hummingbird

/// Builds the management API's responses.
enum APIResponses {
    /// `application/json; charset=utf-8`.
    static let jsonContentType = "application/json; charset=utf-8"
    /// The paging header of §4.3.
    static let continuationToken = HTTPField.Name("x-ms-continuation-token")!
    /// Says whether signal-with-start created a new instance.
    static let durableCreated = HTTPField.Name("x-durable-created")!
    /// The key header of §1.
    static let functionsKey = HTTPField.Name("x-functions-key")!

    /// A compact JSON body with the JSON content type.
    static func json(_ value: JSONValue, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        let bytes = value.utf8Bytes
        var headers = headers
        headers[.contentType] = jsonContentType
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A response with no body.
    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentLength] = "0"
        return Response(status: status, headers: headers)
    }
}
