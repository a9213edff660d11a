import Foundation

/// Runs another source on a background thread, a few blocks ahead of the reader, so that
/// decompression and parsing use two cores. Memory is fixed: `blocks` buffers of `blockSize` bytes.
/// The worker waits passively (condition variable), never spins.
public final class PrefetchSource: ByteSource {
    private let channel: Channel
    private var current: (index: Int, length: Int)? = nil
    private var offset = 0

    public init(_ inner: ByteSource, blockSize: Int = 1 << 20, blocks: Int = 4) {
        channel = Channel(inner: inner, blockSize: blockSize, blocks: blocks)
        let channel = self.channel
        let thread = Thread { channel.produce() }
        thread.name = "betseq.prefetch"
        thread.start()
    }

    deinit { channel.cancel() }

    public var progress: (done: Int64, total: Int64?) { channel.lockedProgress() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let dst = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var copied = 0
        while copied < buffer.count {
            if current == nil {
                guard let next = try channel.takeFilled(wait: copied == 0) else { break }
                current = next
                offset = 0
            }
            guard let (index, length) = current else { break }
            let block = channel.buffers[index]
            let n = min(buffer.count - copied, length - offset)
            if let src = block.baseAddress { (dst + copied).copyMemory(from: src + offset, byteCount: n) }
            copied += n
            offset += n
            if offset == length {
                channel.release(index)
                current = nil
            }
        }
        return copied
    }

    /// Shared between the reader and the worker thread; every mutable field is guarded by `lock`.
    private final class Channel: @unchecked Sendable {
        let inner: ByteSource
        let buffers: [UnsafeMutableRawBufferPointer]
        private var lengths: [Int]
        private var free: [Int]
        private var filled: [Int] = []
        private var filledHead = 0
        private var ended = false
        private var cancelled = false
        private var failure: Error? = nil
        private var progress: (done: Int64, total: Int64?) = (0, nil)
        private let lock = NSCondition()

        init(inner: ByteSource, blockSize: Int, blocks: Int) {
            self.inner = inner
            buffers = (0..<max(2, blocks)).map { _ in .allocate(byteCount: blockSize, alignment: 64) }
            lengths = Array(repeating: 0, count: buffers.count)
            free = Array(buffers.indices)
            progress = inner.progress
        }

        deinit { buffers.forEach { $0.deallocate() } }

        func lockedProgress() -> (done: Int64, total: Int64?) {
            lock.lock(); defer { lock.unlock() }
            return progress
        }

        func cancel() {
            lock.lock()
            cancelled = true
            lock.broadcast()
            lock.unlock()
        }

        /// Worker loop: fill free buffers until the input ends, fails, or the reader goes away.
        func produce() {
            while true {
                lock.lock()
                while free.isEmpty && !cancelled { lock.wait() }
                if cancelled { lock.unlock(); return }
                let index = free.removeLast()
                lock.unlock()

                var n = 0
                var error: Error? = nil
                let buffer = buffers[index]
                do {
                    while n < buffer.count {
                        let got = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[n...]))
                        if got == 0 { break }
                        n += got
                    }
                } catch let e {
                    error = e
                }
                let p = inner.progress

                lock.lock()
                lengths[index] = n
                progress = p
                if n > 0 { filled.append(index) } else { free.append(index) }
                if error != nil || n < buffer.count {
                    failure = error
                    ended = true
                }
                lock.broadcast()
                let stop = ended
                lock.unlock()
                if stop { return }
            }
        }

        /// The next filled buffer; nil at the end of input (or when `wait` is false and none is ready).
        func takeFilled(wait: Bool) throws -> (index: Int, length: Int)? {
            lock.lock(); defer { lock.unlock() }
            while filledHead == filled.count {
                if ended {
                    if let failure { throw failure }
                    return nil
                }
                if !wait { return nil }
                lock.wait()
            }
            let index = filled[filledHead]
            filledHead += 1
            if filledHead == filled.count { filled.removeAll(keepingCapacity: true); filledHead = 0 }
            return (index, lengths[index])
        }

        func release(_ index: Int) {
            lock.lock()
            free.append(index)
            lock.broadcast()
            lock.unlock()
        }
    }
}
