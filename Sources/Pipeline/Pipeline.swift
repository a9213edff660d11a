/// Multi-step runs: the simulated pipeline and the demo, calling the library steps directly.
public enum PipelineStep: String, Sendable, CaseIterable { case simulate, count, ddg, fitLinear, fitNetwork, sweep, report }
