import ArgumentParser
import Foundation
import IO

@main
struct BETSeq: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "betseq",
        abstract: "BET-seq: from sequencing reads to protein–DNA binding energies (ΔΔG).",
        discussion: """
            Typical run:
              betseq simulate --landscape normal:1 --depth 2e7 --fastq --out sim/
              betseq count --out counts.tsv input=input.fastq.gz bound=bound.fastq.gz
              betseq ddg counts.tsv --bound bound --reference input --out ddg.tsv
              betseq fit linear --features di ddg.tsv --out model.json
              betseq predict model.json --all --out predicted.tsv

            Exit status (sysexits): 0 success, 64 usage, 65 bad input data, 66 missing input, \
            70 numerical failure (divergence, no convergence), 73 cannot create an output, 74 I/O error.
            """,
        version: BETSeq.version,
        subcommands: [Count.self, DDG.self, SimulateCommand.self, Fit.self, Predict.self, ReportCommand.self, Run.self, Pipeline.self, ContactsCommand.self])

    static let version = "0.4.0"

    static func main() {
        BLASEnvironment.prepare()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)  // usage errors: the message and the subcommand's usage, status 64
        }
        do {
            try command.run()
        } catch {
            guard let (message, status) = describe(error) else { exit(withError: error) }  // help, clean exits
            printErr("betseq: " + message)
            Foundation.exit(status)
        }
    }

    /// One line and an exit status for an error raised while running a command; nil for
    /// ArgumentParser's own (help requests, clean exits), which it prints itself.
    static func describe(_ error: Error) -> (String, Int32)? {
        switch error {
        case let e as BETSeqError:
            return (e.description, e.exitCode)
        case let e as ValidationError:
            return (e.message, BETSeqError.Category.usage.rawValue)
        case let e as CocoaError:
            let path = (e.userInfo[NSFilePathErrorKey] as? String) ?? e.userInfo[NSURLErrorKey].map { "\($0)" } ?? "file"
            let reason = (e.userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? e.localizedDescription
            let status: BETSeqError.Category = e.isWriteError ? .cannotCreate : e.code == .fileReadNoSuchFile ? .noInput : .io
            return ("\(path): \(reason)", status.rawValue)
        default:
            return nil
        }
    }
}

private extension CocoaError {
    var isWriteError: Bool { (CocoaError.Code.fileWriteUnknown.rawValue...CocoaError.Code.fileWriteVolumeReadOnly.rawValue).contains(code.rawValue) }
}
