import Foundation

/// When to evaluate, when to give up and what counts as better: the schedule both network
/// families train under.
public struct TrainingSchedule: Sendable {
    public enum Goal: Sendable { case minimize, maximize }
    public var maxEpochs: Int
    /// Stop after this many evaluations in a row without improvement.
    public var patience: Int
    /// Divide the learning rate by 10 when this many evaluations in a row brought no improvement
    /// (the published plateau rule uses patience/2); nil never decays.
    public var decayAfter: Int?
    public var evaluateEvery = 1
    /// Stop after the epoch that passes this many seconds (that epoch is still evaluated).
    public var timeBudget: Double?
    public var goal: Goal

    public init(maxEpochs: Int, patience: Int, goal: Goal, decayAfter: Int? = nil, evaluateEvery: Int = 1, timeBudget: Double? = nil) {
        self.maxEpochs = maxEpochs
        self.patience = patience
        self.goal = goal
        self.decayAfter = decayAfter
        self.evaluateEvery = evaluateEvery
        self.timeBudget = timeBudget
    }
}

public enum StopReason: String, Sendable, Codable {
    case maxEpochs = "max_epochs", earlyStopping = "early_stopping", timeBudget = "time_budget"
}

/// What happened in one epoch, handed to the caller's `report` before any decay is applied.
public struct EpochEvent: Sendable {
    public var epoch: Int
    public var trainLoss: Double
    /// Seconds of the training pass (evaluation excluded).
    public var seconds: Double
    /// The evaluation's score, on evaluation epochs.
    public var score: Double?
    public var improved = false
    /// The learning rate is divided by 10 after this report.
    public var decays = false
}

/// The outcome of a training run: the best state (as `snapshot` gave it) and why training stopped.
public struct TrainingOutcome: Sendable {
    public var best: [Float]
    public var bestEpoch: Int
    public var epochs: Int
    public var stopReason: StopReason
}

/// Runs epochs under a schedule: trains (`epoch` returns the mean training loss), evaluates on
/// schedule (`evaluate` returns the score; a finite score better than the best so far is an
/// improvement, and `snapshot` keeps that state), reports each epoch, applies learning-rate decay
/// (`decay`) and stops for patience, time or epochs. Deterministic given deterministic closures.
public func runTraining(_ s: TrainingSchedule,
                        epoch: (Int) throws -> Double,
                        evaluate: (Int) throws -> Double,
                        snapshot: () -> [Float],
                        decay: () -> Void = {},
                        report: (EpochEvent) throws -> Void = { _ in }) throws -> TrainingOutcome {
    let start = Date()
    var best = s.goal == .minimize ? Double.infinity : -Double.infinity
    var outcome = TrainingOutcome(best: snapshot(), bestEpoch: 0, epochs: 0, stopReason: .maxEpochs)
    var sinceBest = 0
    for e in 1...max(1, s.maxEpochs) {
        let clock = Date()
        var event = EpochEvent(epoch: e, trainLoss: try epoch(e), seconds: Date().timeIntervalSince(clock))
        outcome.epochs = e
        let outOfTime = s.timeBudget.map { Date().timeIntervalSince(start) > $0 } ?? false
        var stop: StopReason?
        if e % max(1, s.evaluateEvery) == 0 || e == s.maxEpochs || outOfTime {
            let score = try evaluate(e)
            event.score = score
            if score.isFinite && (s.goal == .minimize ? score < best : score > best) {
                best = score
                sinceBest = 0
                outcome.bestEpoch = e
                outcome.best = snapshot()
                event.improved = true
            } else {
                sinceBest += 1
                if sinceBest >= s.patience { stop = .earlyStopping } else if sinceBest == s.decayAfter { event.decays = true }
            }
        }
        try report(event)
        if event.decays { decay() }
        if let stop { outcome.stopReason = stop; break }
        if outOfTime { outcome.stopReason = .timeBudget; break }
    }
    return outcome
}

/// The order in which training items are visited each epoch: a seeded Fisher–Yates shuffle,
/// either of the previous epoch's order (`cumulative`) or of the initial order anew (`fresh`).
public struct EpochOrder: Sendable {
    public enum Reshuffle: Sendable { case cumulative, fresh }
    private let initial: [Int]
    private var current: [Int]
    private var random: SplitMix64
    private let mode: Reshuffle

    public init(_ initial: [Int], seed: UInt64, reshuffle: Reshuffle) {
        self.initial = initial
        current = initial
        random = SplitMix64(seed: seed)
        mode = reshuffle
    }

    public mutating func next() -> [Int] {
        if mode == .fresh { current = initial }
        random.shuffle(&current)
        return current
    }
}
