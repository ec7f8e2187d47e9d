import HTTPTypes
import Hummingbird
import NIOCore

/// One file of the built-in web dashboard (`dashboard/`, embedded by scripts/generate-dashboard.sh
/// as ``DashboardAssets``), served at `/dashboard`.
struct DashboardAsset {
    let contentType: String
    let text: String

    /// The file a path names: `/dashboard` and `/dashboard/` (the page), `/dashboard/app.js`,
    /// `/dashboard/style.css`; `nil` for any other path.
    init?(path: String) {
        switch path {
        case "/dashboard", "/dashboard/", "/dashboard/index.html":
            self.init(contentType: "text/html; charset=utf-8", text: DashboardAssets.indexHTML)
        case "/dashboard/app.js":
            self.init(contentType: "text/javascript; charset=utf-8", text: DashboardAssets.appJS)
        case "/dashboard/style.css":
            self.init(contentType: "text/css; charset=utf-8", text: DashboardAssets.styleCSS)
        default:
            return nil
        }
    }

    private init(contentType: String, text: String) {
        self.contentType = contentType
        self.text = text
    }

    /// What the page may load and where it may connect: this origin only, so the browser itself
    /// refuses any external request. Inline styles are allowed (the timeline positions its bars with them).
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
        + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    /// `200` with the file, never cached (a new host version must not meet an old page).
    var response: Response {
        let bytes = Array(text.utf8)
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentLength: String(bytes.count), .cacheControl: "no-store",
                .xContentTypeOptions: "nosniff", .contentSecurityPolicy: Self.contentSecurityPolicy,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
