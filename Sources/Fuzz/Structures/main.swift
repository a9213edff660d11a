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
    do {
        let s = try Structure.parse(bytes, source: "fuzz")
        // Fuzzed coordinates can pile thousands of atoms into one cell; keep each run short.
        guard s.atoms.count <= 2_000 else { return 0 }
        _ = CovalentGraph(s)
        _ = ResidueContactMap(computeContacts(s, mode: .static), structure: s)
    } catch is BETSeqError {
    } catch {
        fatalError("not a BETSeqError: \(error)")
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzStructures))
