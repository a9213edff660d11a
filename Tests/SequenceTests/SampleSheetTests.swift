import Foundation
import IO
import Sequence
import Testing
import TestSupport

/// Sample sheets (issue 15): lanes grouped into samples, columns named `<fraction>_<replicate>`,
/// per-experiment settings, and every mistake an error naming the sheet line.
@Suite struct SampleSheetTests {
    let header = "experiment\treplicate\tfraction\tfastq\n"

    func parse(_ text: String) throws -> SampleSheet {
        try SampleSheet.parse(text, path: "sheet.tsv", folder: "runs")
    }

    /// The one-line message of the error a sheet gives; every sheet mistake is a data error.
    func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard let e = thrownError({ _ = try parse(text) }) else {
            Issue.record("no error for \(text.debugDescription)", sourceLocation: sourceLocation)
            return ""
        }
        #expect(e.kind == .malformedTable && e.exitCode == 65, sourceLocation: sourceLocation)
        return e.description
    }

    @Test func lanesReplicatesAndColumns() throws {
        let sheet = try parse("""
            experiment\tfastq\treplicate\tfraction\tprotein
            # comment lines and blank lines are skipped

            pho4\tb1_L1.fq.gz\t1\tbound\tPho4
            pho4\ti1_L1.fq.gz\t1\tinput\tPho4
            pho4\tb1_L2.fq.gz\t1\tbound\tPho4
            pho4\t/abs/i2.fq\t2\tinput\tPho4\r
            pho4\tb2.fq\t2\tbound\tPho4
            cbf1\tc_in.fq\tA\tinput\t
            cbf1\tc_b.fq\tA\tbound\t
            """)
        #expect(sheet.experiments.map(\.name) == ["pho4", "cbf1"])
        let pho4 = sheet.experiments[0]
        #expect(pho4.protein == "Pho4" && pho4.replicates == ["1", "2"] && pho4.reference == .input)
        #expect(pho4.countColumns == ["input_1", "bound_1", "input_2", "bound_2"])
        #expect(pho4.sample(.bound, "1")?.files == ["runs/b1_L1.fq.gz", "runs/b1_L2.fq.gz"])
        #expect(pho4.sample(.input, "2")?.files == ["/abs/i2.fq"])
        #expect(pho4.design.template == DesignTemplate.betseqTemplate)
        #expect(sheet.experiments[1].protein == "cbf1")
        #expect(sheet.experiments[1].boundColumns == ["bound_A"] && sheet.experiments[1].referenceColumns == ["input_A"])
    }

    @Test func unboundReference() throws {
        let sheet = try parse("experiment\treplicate\tfraction\tfastq\treference\ne\t1\tunbound\tu.fq\tunbound\ne\t1\tbound\tb.fq\tunbound\n")
        #expect(sheet.experiments[0].reference == .unbound)
        #expect(sheet.experiments[0].referenceColumns == ["unbound_1"])
    }

    @Test func mistakesNameTheLine() {
        #expect(error("") == "sheet.tsv: empty sample sheet: expected a header experiment, replicate, fraction, fastq")
        #expect(error(header) == "sheet.tsv: no samples below the header")
        #expect(error("experiment\treplicate\tfraction\tfile\n") ==
                "sheet.tsv: line 1: unknown column 'file'; a sample sheet has experiment, replicate, fraction, fastq and optionally design, protein, reference")
        #expect(error("experiment\treplicate\tfraction\n") == "sheet.tsv: line 1: no column 'fastq'; the header needs experiment, replicate, fraction, fastq")
        #expect(error("experiment\treplicate\tfraction\tfastq\tfastq\n") == "sheet.tsv: line 1: column 'fastq' appears twice")
        #expect(error(header + "e\t1\tbound\n") == "sheet.tsv: line 2: 3 fields; the header has 4")
        #expect(error(header + "e\t1\tboundd\tb.fq\n") == "sheet.tsv: line 2: fraction 'boundd'; expected input, bound or unbound")
        #expect(error(header + "my exp\t1\tbound\tb.fq\n") ==
                "sheet.tsv: line 2: experiment 'my exp': use letters, digits, '.', '_' or '-' (it names the output folder)")
        #expect(error(header + "e\t../1\tbound\tb.fq\n") ==
                "sheet.tsv: line 2: replicate '../1': use letters, digits, '.', '_' or '-' (it names count columns)")
        #expect(error(header + "e\t1\tbound\t\n") == "sheet.tsv: line 2: no FASTQ file")
        #expect(error(header + "e\t1\tbound\tb.fq\ne\t1\tinput\t./b.fq\n") == "sheet.tsv: line 3: ./b.fq is already listed on line 2")
        #expect(error(header + "e\t1\tbound\tb.fq\n") ==
                "sheet.tsv: line 2: experiment 'e', replicate '1' has no input reads (ΔΔG needs bound and input)")
        #expect(error(header + "e\t1\tinput\ti.fq\ne\t2\tbound\tb.fq\ne\t2\tinput\ti2.fq\n") ==
                "sheet.tsv: line 2: experiment 'e', replicate '1' has no bound reads (ΔΔG needs bound and input)")
        let designs = "experiment\treplicate\tfraction\tfastq\tdesign\n"
        #expect(error(designs + "e\t1\tinput\ti.fq\tNNCACGTGNN\ne\t1\tbound\tb.fq\tNNNCACGTGNNN\n") ==
                "sheet.tsv: line 3: design 'NNNCACGTGNNN' differs from 'NNCACGTGNN' on line 2; it must be constant within experiment 'e'")
        #expect(error(designs + "e\t1\tinput\ti.fq\tNNXCACGTG\n").hasPrefix("sheet.tsv: line 2: design: character 'X' at position 3"))
        #expect(error("experiment\treplicate\tfraction\tfastq\treference\ne\t1\tinput\ti.fq\tbound\n") ==
                "sheet.tsv: line 2: reference 'bound'; expected input or unbound")
    }

    @Test func binarySheetsAreRefused() throws {
        let dir = try temporaryDirectory("sheet")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try write([0x42, 0, 1, 0xff], to: dir, "s.tsv")
        expectError(.malformedTable, mentioning: "s.tsv: not a text file; a sample sheet is TSV with the header experiment, replicate, fraction, fastq") {
            _ = try SampleSheet.read(path: path)
        }
    }

    /// What `format(rows:)` writes reads back as the same experiments, and its header names only
    /// the optional columns some row sets.
    @Test func writtenSheetsReadBack() throws {
        let rows = [SampleSheet.Row(experiment: "e", replicate: "1", fraction: .input, fastq: "i_1_L1.fq.gz", design: "NNCACGTGNN", protein: "P 1"),
                    SampleSheet.Row(experiment: "e", replicate: "1", fraction: .bound, fastq: "b_1_L1.fq.gz", design: "NNCACGTGNN", protein: "P 1"),
                    SampleSheet.Row(experiment: "e", replicate: "1", fraction: .bound, fastq: "b_1_L2.fq.gz", design: "NNCACGTGNN", protein: "P 1")]
        let text = SampleSheet.format(rows: rows)
        #expect(text.hasPrefix("experiment\treplicate\tfraction\tfastq\tdesign\tprotein\ne\t1\tinput\ti_1_L1.fq.gz\tNNCACGTGNN\tP 1\n"))
        let sheet = try parse(text)
        #expect(sheet.experiments.count == 1 && sheet.experiments[0].protein == "P 1" && sheet.experiments[0].design.template == "NNCACGTGNN")
        #expect(sheet.experiments[0].sample(.bound, "1")?.files == ["runs/b_1_L1.fq.gz", "runs/b_1_L2.fq.gz"])
        #expect(SampleSheet.format(rows: [SampleSheet.Row(experiment: "x", replicate: "2", fraction: .unbound, fastq: "u.fq", reference: .unbound)])
                == "experiment\treplicate\tfraction\tfastq\treference\nx\t2\tunbound\tu.fq\tunbound\n")
        #expect(SampleSheet.countColumn(fraction: "bound", replicate: "A") == "bound_A")
    }

    /// `betseq run plan`'s JSON: the workflow reads these keys.
    @Test func planHasTheWorkflowsKeys() throws {
        let sheet = try parse(header + "e\t1\tinput\ti.fq\ne\t1\tbound\tb.fq\n")
        let json = String(decoding: try JSONFile.encode(StudyPlan(sheet), layout: .document), as: UTF8.self)
        for key in ["\"sheet\" : \"sheet.tsv\"", "\"bound_columns\" : [\n        \"bound_1\"", "\"reference_columns\" : [\n        \"input_1\"",
                    "\"column\" : \"bound_1\"", "\"files\" : [\n            \"runs\\/b.fq\"", "\"design\" : \"", "\"reference\" : \"input\""] {
            #expect(json.contains(key), "\(key) not in \(json)")
        }
    }
}
