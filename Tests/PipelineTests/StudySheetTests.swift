import Foundation
import IO
import Pipeline
import Testing
import TestSupport

/// What a study adds to the sample sheet: experiment folders sit beside the summary files.
@Suite struct StudySheetTests {
    @Test func experimentsNamedLikeTheSummaryAreRefused() throws {
        let dir = try temporaryDirectory("study-sheet")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in [StudyFiles.summaryJSONName, StudyFiles.summaryHTMLName] {
            let sheet = try write("experiment\treplicate\tfraction\tfastq\nok\t1\tinput\ta.fq\nok\t1\tbound\tb.fq\n"
                                  + "\(name)\t1\tinput\ti.fq\n\(name)\t1\tbound\tc.fq\n", to: dir, "sheet.tsv")
            expectError(.malformedTable, mentioning: "\(sheet): line 4: experiment '\(name)': the name of the study's summary file; choose another") {
                _ = try readStudySheet(path: sheet)
            }
        }
        #expect(ExperimentFiles.names == ["counts.tsv", "count_summary.tsv", "ddg.tsv", "mono.json", "nn.json", "di.json",
                                          "network.model", "report.html", "report.json"])
    }
}
