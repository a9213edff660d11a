#if canImport(Glibc)
import Glibc
#endif
import IO

/// Memory a computation will need, checked before anything is allocated: a request that cannot
/// fit is a usage error, not an abort half way.
public enum MemoryBudget {
    /// Physical memory of this machine in bytes (0 if unknown).
    public static var physicalBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : 0
    }

    /// Throws when `bytes` (an estimate; saturating arithmetic is fine) exceeds 80 % of physical memory.
    public static func check(_ bytes: Double, for what: String, file: String) throws {
        let available = Double(physicalBytes)
        guard available > 0, bytes > 0.8 * available else { return }
        throw BETSeqError(.invalidOption, file: file, String(format: "%@ needs about %.1f GB; this machine has %.1f GB", what, bytes / 1e9, available / 1e9))
    }

    /// The largest resident set this process has had, in bytes (0 if unknown): VmHWM of
    /// /proc/self/status, which starts afresh at exec. getrusage's maxrss, the fallback, keeps the
    /// high-water mark from before exec, so a betseq forked from a large parent would report the
    /// parent's size.
    public static var peakResidentBytes: Int {
        if let status = procStatus(),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
            return kb * 1024
        }
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024   // Linux reports kilobytes
    }

    /// /proc/self/status, read to its end (proc files report size 0, so no size-based read works).
    static func procStatus() -> String? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Floats of a multilayer perceptron's weights and biases: Σ (inputs + 1) · outputs.
    public static func mlpParameters(inputs: Int, widths: [Int], outputs: Int) -> Double {
        var total = 0.0, width = Double(inputs)
        for w in widths.map(Double.init) + [Double(outputs)] { total += (width + 1) * w; width = w }
        return total
    }
}
