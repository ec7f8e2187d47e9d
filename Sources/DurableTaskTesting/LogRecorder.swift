public import Foundation
public import Logging
import Synchronization

/// Keeps every log line of the loggers it makes, in memory, so a test can count what was logged.
///
/// ```swift
/// let recorder = LogRecorder()
/// let worker = DurableTaskWorker(store: store, registry: registry, logger: recorder.logger("worker"))
/// ...
/// #expect(recorder.lines(since: mark, atLeast: .warning).count <= 3)
/// ```
public final class LogRecorder: Sendable {
    /// One recorded line.
    public struct Line: Sendable, CustomStringConvertible {
        /// The logger's label.
        public var label: String
        /// The level it was logged at.
        public var level: Logger.Level
        /// The message.
        public var message: String
        /// The logger's and the line's metadata, rendered.
        public var metadata: [String: String]
        /// When it was logged.
        public var date: Date

        /// `[label] level message metadata`.
        public var description: String { "[\(label)] \(level) \(message) \(metadata)" }
    }

    private let recorded = Mutex<[Line]>([])

    /// Creates an empty recorder.
    public init() {}

    /// A logger that records everything from `level` up under `label`.
    public func logger(_ label: String, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, recorder: self) }
        logger.logLevel = level
        return logger
    }

    /// How many lines were recorded so far (a mark for ``lines(since:atLeast:)``).
    public var count: Int { recorded.withLock { $0.count } }

    /// The lines recorded after `mark` (a ``count`` read earlier), at `level` or above.
    public func lines(since mark: Int = 0, atLeast level: Logger.Level = .trace) -> [Line] {
        recorded.withLock { all in all.dropFirst(mark).filter { $0.level >= level } }
    }

    fileprivate func record(_ line: Line) {
        recorded.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let label: String
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.record(Line(
                label: label, level: event.level, message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }, date: Date()))
        }
    }
}
