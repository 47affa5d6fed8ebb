import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"time": "2026-01-01T12:00:00.000Z", "level": "info", "label": "embedq", "message": "request",
///   "method": "POST", "status": "200", …}` — the metadata as string fields beside the message.
///
/// `embedq serve --log-format json` bootstraps it; `--log-format text` uses swift-log's
/// `StreamLogHandler` instead.
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// Metadata read at each line (task-local context).
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let write: @Sendable ([UInt8]) -> Void

    /// A handler for `label` writing to standard error.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider) { bytes in
            FileHandle.standardError.write(Data(bytes))
        }
    }

    /// A handler for `label` passing each line (with its newline) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var writer = JSONWriter(reservingCapacity: 256)
        writer.append("{\"time\":")
        writer.writeString(Self.timestamp())
        writer.append(",\"level\":")
        writer.writeString(event.level.rawValue)
        writer.append(",\"label\":")
        writer.writeString(label)
        writer.append(",\"message\":")
        writer.writeString(event.message.description)
        for key in merged.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            writer.append(",")
            writer.key(key)
            writer.writeString(merged[key].map { "\($0)" } ?? "")
        }
        writer.append("}\n")
        write(writer.bytes)
    }

    /// The current time, UTC, ISO 8601 with milliseconds.
    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(time.tv_nsec / 1_000_000))
    }
}
