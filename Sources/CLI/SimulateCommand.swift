import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Pipeline
import Simulate

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a BET-seq experiment: landscape, binding equilibrium, sequencing.",
        discussion: """
            'betseq simulate run' (the default) writes one simulated library; 'betseq simulate sweep' \
            measures how well ΔΔG is recovered as a function of read depth. See each subcommand's \
            --help.
            """,
        subcommands: [SimulateRun.self, SimulateSweep.self],
        defaultSubcommand: SimulateRun.self)
}

/// Where the truth comes from and how it binds; shared by run and sweep.
struct ExperimentOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "True ΔΔG landscape: normal:RANGE, motif:cbf1, motif:pho4, an energy-model JSON or matrix, a neural model, or a JASPAR/MEME motif file.",
        discussion: """
            normal:RANGE draws ΔΔG ~ Normal(0, RANGE/6) kcal/mol per sequence, as the published \
            simulation. An energy model is the betseq-energy-model JSON (see the README), as the linear fits \
            write it. motif:cbf1 and motif:pho4 are built-in JASPAR matrices (MA0281.2 and \
            MA0357.1). A motif is placed on the design's fixed core (best placement over \
            offsets and strands) and converted by ΔΔG = −RT·ln(p/p_max) with p = (f + 0.01)/1.04. \
            Every landscape is mean-centred over the whole library.
            """))
    var landscape = "normal:1"

    @Option(help: "Motif ID or name when the motif file holds several.")
    var motifId: String?

    @Option(help: "Design template, as for 'betseq count' (default: the published BET-seq amplicon).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Total protein P_tot (nM).")
    var protein = 50.0

    @Option(help: "Total library DNA S_tot over all species (nM).")
    var library = 1000.0

    @Option(help: "Kd of the average sequence (ΔΔG = 0), nM; Kd_i = Kd_ref·exp(ΔΔG_i/RT).")
    var kdRef = 100.0

    @Flag(help: "Dilute limit: bound ∝ abundance·exp(−ΔΔG/RT), no depletion or saturation.")
    var dilute = false

    @Option(help: "SD of log-normal synthesis bias of input abundance (0 = uniform).")
    var inputBias = 0.0

    @Option(help: "RT in kcal/mol.")
    var rt = defaultRT

    @Option(help: "Random seed; the same seed gives the same files.")
    var seed: UInt64 = 1

    var conditions: BindingConditions {
        var c = BindingConditions()
        c.protein = protein
        c.library = library
        c.kdRef = kdRef
        c.dilute = dilute
        c.rt = rt
        return c
    }

    func landscapeSpec() throws -> LandscapeSpec {
        LandscapeSpec(spec: landscape, motifID: motifId, design: try DesignTemplate(design), seed: seed, rt: rt)
    }
}
