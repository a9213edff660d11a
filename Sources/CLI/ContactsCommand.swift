import ArgumentParser

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Protein contact maps: structures → atom contacts → 8-channel residue maps.",
        subcommands: [ContactsMap.self, ContactsTrain.self, ContactsPredict.self, ContactsEval.self])
}
