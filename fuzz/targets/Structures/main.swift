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
        // The readers are the target; the graph and map run on small structures only, because fuzzed
        // coordinates can pile hundreds of atoms into one cell and one such input takes a second.
        guard s.atoms.count <= 300 else { return }
        _ = CovalentGraph(s)
        _ = ResidueContactMap(computeContacts(s, mode: .static), structure: s)
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzStructures))
