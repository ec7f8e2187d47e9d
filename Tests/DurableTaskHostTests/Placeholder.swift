import Testing
@Suite struct PlaceholderHostTests { @Test func builds() { #expect(Bool(true)) } }
