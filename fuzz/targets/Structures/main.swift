#if canImport(Glibc)
import Glibc
#endif
import Contacts
import FuzzSupport
import IO

// PDB and mmCIF: read, then the covalent graph and the static contact map.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzStructures(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    expectTypedErrors {
        let s = try Structure.parse(bytes, source: "fuzz")
        // Fuzzed coordinates can pile thousands of atoms into one cell; keep each run short.
        guard s.atoms.count <= 2_000 else { return }
        _ = CovalentGraph(s)
        _ = ResidueContactMap(computeContacts(s, mode: .static), structure: s)
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzStructures))
