import Testing
@Suite struct PlaceholderHTTPTests { @Test func builds() { #expect(Bool(true)) } }
