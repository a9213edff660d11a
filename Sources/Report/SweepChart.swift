import Simulate

/// The chart `betseq simulate sweep` writes beside its table: coverage, r² of ΔΔG with its
/// interquartile band and the published ratio r², against depth (log x).
public func sweepChart(_ sweep: SweepTable, title: String) -> String {
    let x = sweep.rows.map(\.meanReadsPerSequence)
    return logXLineChart(
        title: title, xLabel: "mean reads per sequence per fraction", yLabel: "fraction / r²",
        series: [
            ChartSeries(name: "seen in both", color: "#1b9e77", points: Array(zip(x, sweep.rows.map(\.fractionObserved)))),
            ChartSeries(name: "r² ΔΔG (IQR)", color: "#d95f02", points: Array(zip(x, sweep.rows.map(\.r2DDG))),
                        band: sweep.rows.map { ($0.meanReadsPerSequence, $0.r2DDGQ25, $0.r2DDGQ75) }),
            ChartSeries(name: "r² ratio (published)", color: "#7570b3", points: Array(zip(x, sweep.rows.map(\.r2Ratio))), dashed: true),
        ])
}
