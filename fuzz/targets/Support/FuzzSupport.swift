// libFuzzer entry points for `make fuzz`. Built with `-D FUZZING -sanitize=fuzzer,address`, a fuzz
// target's `main` hands its test function to libFuzzer's driver; in an ordinary build (as `swift
// build` and `make test` do) it only says how to build it, so no libFuzzer is needed to link.

import IO

public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: FuzzTest) -> CInt
#endif

/// Runs libFuzzer over `test` (or explains how to build a fuzzing binary).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest) -> CInt {
    #if FUZZING
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v, test)
    #else
    print("this fuzz target was built without libFuzzer; run 'make fuzz'")
    return 64
    #endif
}

/// The input as bytes (libFuzzer may pass a null pointer for the empty input).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Runs one input: a `BETSeqError` is the expected answer to bad input; any other error is a bug,
/// reported as a crash so that libFuzzer keeps the input.
public func expectTypedErrors(_ body: () throws -> Void) {
    do {
        try body()
    } catch is BETSeqError {
    } catch {
        fatalError("not a BETSeqError: \(error)")
    }
}
