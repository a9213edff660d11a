#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A one-line progress meter on stderr (rate and ETA), shown only when stderr is a terminal so
/// that logs and pipelines stay clean.
/// Thread-safe: workers may report concurrently.
final class ProgressMeter: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let label: String
    private let started = Date()
    private var lastDraw = Date.distantPast

    init(label: String) {
        self.label = label
        enabled = isatty(2) == 1
    }

    func update(items: Int, unit: String, done: Int64, total: Int64?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.5 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 1e-3)
        var line = "\(label): \(humanCount(Double(items))) \(unit), \(humanCount(Double(items) / elapsed)) \(unit)/s"
        if let total, total > 0, done > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let eta = elapsed * (1 - fraction) / max(fraction, 1e-9)
            line += String(format: ", %.0f%%, ETA %.0fs", fraction * 100, eta)
        }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    func finish() {
        guard enabled, lastDraw != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// One meter per (sample, file) as reads are counted: `count` and `run` report the same way.
final class FileProgress {
    private var meter: ProgressMeter?
    private var current = ""

    func update(sample: String, file: String, reads: Int, done: Int64, total: Int64?) {
        if current != sample + "\t" + file {
            meter?.finish()
            meter = ProgressMeter(label: "\(sample) \(file)")
            current = sample + "\t" + file
        }
        meter?.update(items: reads, unit: "reads", done: done, total: total)
    }

    /// Clears the line (before other output, and at the end).
    func finish() {
        meter?.finish()
        meter = nil
        current = ""
    }
}

func humanCount(_ x: Double) -> String {
    switch x {
    case 1e9...: return String(format: "%.2fG", x / 1e9)
    case 1e6...: return String(format: "%.2fM", x / 1e6)
    case 1e4...: return String(format: "%.1fk", x / 1e3)
    default: return String(format: "%.0f", x)
    }
}

func printErr(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
