import Testing
import TestSupport
@testable import Contacts

@Suite struct ElementTests {
    /// GetContacts' rule: two-letter elements only when the residue is named like the atom (ions).
    @Test func inferFromAtomNames() {
        #expect(Element.infer(atomName: "CA", residueName: "ALA")?.symbol == "C")   // alpha carbon
        #expect(Element.infer(atomName: "CA", residueName: "CA")?.symbol == "Ca")   // calcium ion
        #expect(Element.infer(atomName: "OG1", residueName: "THR")?.symbol == "O")
        #expect(Element.infer(atomName: "1HB", residueName: "ALA")?.symbol == "H")
        #expect(Element.infer(atomName: "HD21", residueName: "ASN")?.symbol == "H")
        #expect(Element.infer(atomName: "SE", residueName: "MSE")?.symbol == "S")   // as GetContacts would
        #expect(Element.infer(atomName: "ZN", residueName: "ZN")?.symbol == "Zn")
        #expect(Element.infer(atomName: "XX", residueName: "UNK") == nil)
        #expect(Element.infer(atomName: "", residueName: "UNK") == nil)
    }

    @Test func symbolsRadiiAndClasses() {
        #expect(Element(symbol: "SE")?.symbol == "Se" && Element(symbol: " fe")?.symbol == "Fe")
        #expect(Element(symbol: "") == nil && Element(symbol: "Xx") == nil && Element(symbol: "CAL") == nil)
        #expect(abs(Element(symbol: "C")!.covalentRadius * 2 - 1.52) < 0.01)   // C–C single bond
        #expect(Element(symbol: "Fe")!.vdwRadius == 1.70 && Element(symbol: "O")!.vdwRadius == 1.52)
        #expect(Element(symbol: "D")!.isHydrogen && Element(symbol: "Zn")!.isMetal && !Element(symbol: "Se")!.isMetal)
    }
}
