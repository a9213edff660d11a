import Foundation

/// Runs `body(job, worker)` for every job in 0..<count on up to `threads` threads, handing jobs out
/// in order as workers become free; `worker` (0..<threads) lets a body reuse per-thread buffers.
/// Results must not depend on which worker runs a job (give each job its own random stream).
/// The first error thrown by any job is rethrown after every worker has stopped.
public func parallelJobs(_ count: Int, threads: Int, _ body: @Sendable (_ job: Int, _ worker: Int) throws -> Void) throws {
    guard count > 0 else { return }
    let state = JobState()
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { worker in
        while let job = state.take(below: count) {
            do { try body(job, worker) } catch { state.fail(error) }
        }
    }
    if let error = state.error { throw error }
}

/// The job counter and first error, shared by the workers.
private final class JobState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var error: Error?

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count, error == nil else { return nil }
        next += 1
        return next - 1
    }

    func fail(_ e: Error) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }
}
