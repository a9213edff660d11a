import Foundation
import IO

extension ContactNetwork {
    /// File name of the model betseq ships (trained on the PDB pool; see `models/README.md`).
    public static let defaultModelName = "contacts-default.json.gz"

    /// Where the shipped model is looked for, in order: beside the executable and in
    /// `../share/betseq/` from it (an installed betseq); the source tree's `models/` folder (a betseq
    /// built from a checkout).
    public static var defaultModelCandidates: [String] {
        var out: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            out.append(exe.appendingPathComponent(defaultModelName).path)
            out.append(exe.deletingLastPathComponent().appendingPathComponent("share/betseq/\(defaultModelName)").path)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        out.append(source.appendingPathComponent("models/\(defaultModelName)").path)
        return out
    }

    /// The shipped model's path: `$BETSEQ_CONTACT_MODEL` when set (read, and reported if missing,
    /// as given), else the first readable candidate; a no-input error naming where it looked.
    public static func defaultModelPath() throws -> String {
        if let env = ProcessInfo.processInfo.environment["BETSEQ_CONTACT_MODEL"], !env.isEmpty { return env }
        let candidates = defaultModelCandidates
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw BETSeqError(.cannotOpen, file: defaultModelName,
                              "no model given and the shipped model is not installed (looked in \(candidates.joined(separator: ", "))); pass --model")
        }
        return found
    }
}
