import ArgumentParser
import Contacts

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Protein contact maps: structures → atom contacts → 8-channel residue maps.",
        subcommands: [ContactsMap.self, ContactsPrepare.self, ContactsTrain.self, ContactsPredict.self, ContactsEval.self])
}

/// Where prepared training examples are cached.
struct ExampleCacheOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Cache folder for prepared structures (graphs and static-mode maps, keyed by file content and rules version).",
                               discussion: "Default: $BETSEQ_CACHE_DIR/contacts, $XDG_CACHE_HOME/betseq/contacts or ~/.cache/betseq/contacts."))
    var cache: String?

    @Flag(help: "Prepare every structure afresh and store nothing.")
    var noCache = false

    func validate() throws {
        if noCache && cache != nil { throw ValidationError("--cache and --no-cache exclude each other") }
    }

    /// The cache to use. A folder named with --cache must be creatable (an error otherwise); the
    /// default folder is best effort: entries it cannot store are counted in the log, no error.
    func resolved() throws -> ContactExampleCache? { try ContactExampleCache.resolve(folder: cache, disabled: noCache) }
}

/// `[MODEL] INPUT` positionals (earlier versions took the model first) or `--model`; without
/// either, the shipped model.
func modelAndInput(_ inputs: [String], model: String?, input: String) throws -> (model: String?, input: String) {
    switch inputs.count {
    case 1: return (model, inputs[0])
    case 2:
        if model != nil { throw ValidationError("give the model either as --model or as the first argument, not both") }
        return (inputs[0], inputs[1])
    default: throw ValidationError("expected \(input), or MODEL \(input)")
    }
}
