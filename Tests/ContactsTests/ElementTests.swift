import Testing
@testable import Contacts

@Suite struct ElementTests {
    @Test func inferFromPDBAtomNames() {
        #expect(Element(pdbAtomName: " CA ") == .C)     // alpha carbon
        #expect(Element(pdbAtomName: "CA  ") == .Ca)    // calcium ion
        #expect(Element(pdbAtomName: " OG1") == .O)
        #expect(Element(pdbAtomName: "1HB ") == .H)
        #expect(Element(pdbAtomName: "HD21") == .H)
        #expect(Element(pdbAtomName: "SE  ") == .Se)
        #expect(Element(pdbAtomName: "ZN  ") == .Zn)
        #expect(Element(pdbAtomName: " XX ") == nil)
        #expect(Element(pdbAtomName: "CA") == nil)
    }

    @Test func symbolsInAnyCase() {
        #expect(Element(symbol: "SE") == .Se)
        #expect(Element(symbol: " fe") == .Fe)
        #expect(Element(symbol: "") == nil)
        // Bond test used for non-standard residues: C–C single bond ≈ 1.52 Å.
        #expect(abs(Element.C.covalentRadius * 2 - 1.52) < 0.01)
    }
}
