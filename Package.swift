// swift-tools-version:6.0
import PackageDescription

// Layers point down only (each folder is named after its module):
//   betseq (CLI) -> Pipeline -> Report -> Simulate -> Affinity -> Sequence -> IO -> CZlib, CISAL
//   Contacts -> Learn -> IO;  Affinity -> Learn -> CBLAS, CAMX;  Simulate -> CGSL
// IO knows no biology (bytes, gzip, atomic outputs, TSV/JSON helpers, jobs, errors); Sequence is
// reads, designs and counting; Affinity holds every binding-energy model; Learn the numerical
// machinery both model families train with. The CLI imports no C shim and no Learn.
let package = Package(
    name: "BETSeq",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "betseq", targets: ["betseq"]),
        .library(name: "BETSeqKit", targets: ["IO", "Sequence", "Learn", "Affinity", "Simulate", "Contacts", "Report", "Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: one system library each, found through pkg-config. ISA-L inflates gzip and
        // deflates bulk FASTQ at level 1; zlib writes other gzip output. BLAS and GSL stay in
        // separate modules because gsl_cblas.h and OpenBLAS's cblas.h clash in one module.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CISAL", path: "Sources/CISAL", pkgConfig: "libisal",
                       providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL", pkgConfig: "gsl",
                       providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        // AMX (bf16 tiles) for network inference; target attributes per function, no global flags.
        .target(name: "CAMX", path: "Sources/CAMX"),

        .target(name: "IO", dependencies: ["CZlib", "CISAL"], path: "Sources/IO",
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "Sequence", dependencies: ["IO"], path: "Sources/Sequence",
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        // Layers are generic (Float to train, Double for gradient checks): cross-module optimisation
        // lets Affinity specialise them for Float instead of running generic code per element.
        .target(name: "Learn", dependencies: ["IO", "CBLAS", "CAMX"], path: "Sources/Learn",
                swiftSettings: [.unsafeFlags(["-cross-module-optimization", "-Ounchecked"], .when(configuration: .release))]),
        .target(name: "Affinity", dependencies: ["IO", "Sequence", "Learn"], path: "Sources/Affinity"),
        .target(name: "Simulate", dependencies: ["IO", "Sequence", "Affinity", "Learn", "CGSL"], path: "Sources/Simulate"),
        .target(name: "Contacts", dependencies: ["IO", "Learn"], path: "Sources/Contacts"),
        // Report presents typed results of the science modules (it sits above them, below Pipeline).
        .target(name: "Report", dependencies: ["IO", "Sequence", "Affinity", "Simulate", "Contacts", "Learn"], path: "Sources/Report"),
        // Multi-step runs (the pipeline, the demo) call the library steps directly.
        .target(name: "Pipeline", dependencies: ["IO", "Sequence", "Learn", "Affinity", "Simulate", "Report"], path: "Sources/Pipeline"),
        .executableTarget(
            name: "betseq",
            dependencies: [
                "IO", "Sequence", "Affinity", "Simulate", "Contacts", "Report", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"),

        // Fuzz targets for libFuzzer ('make fuzz' builds them with -D FUZZING and the sanitizers). They
        // live under fuzz/, not Sources/: their oracle deliberately crashes on an untyped error.
        .target(name: "FuzzSupport", dependencies: ["IO"], path: "fuzz/targets/Support"),
        .executableTarget(name: "FuzzReads", dependencies: ["FuzzSupport", "IO", "Sequence"], path: "fuzz/targets/Reads"),
        .executableTarget(name: "FuzzDesigns", dependencies: ["FuzzSupport", "IO", "Sequence"], path: "fuzz/targets/Designs"),
        .executableTarget(name: "FuzzTables", dependencies: ["FuzzSupport", "IO", "Sequence", "Affinity"], path: "fuzz/targets/Tables"),
        .executableTarget(name: "FuzzModels", dependencies: ["FuzzSupport", "IO", "Affinity", "Contacts", "Learn"], path: "fuzz/targets/Models"),
        .executableTarget(name: "FuzzStructures", dependencies: ["FuzzSupport", "IO", "Contacts"], path: "fuzz/targets/Structures"),
        .executableTarget(name: "FuzzSheets", dependencies: ["FuzzSupport", "IO", "Sequence"], path: "fuzz/targets/Sheets"),

        // Helpers every test target shares (scratch folders, fixtures, expected errors).
        .target(name: "TestSupport", dependencies: ["IO"], path: "Tests/TestSupport"),
        .testTarget(name: "IOTests", dependencies: ["IO", "TestSupport"], path: "Tests/IOTests"),
        .testTarget(name: "SequenceTests", dependencies: ["TestSupport", "Sequence", "IO"], path: "Tests/SequenceTests"),
        .testTarget(name: "AffinityTests", dependencies: ["TestSupport", "Affinity", "Sequence", "IO", "Learn"], path: "Tests/AffinityTests"),
        .testTarget(name: "SimulateTests", dependencies: ["TestSupport", "Simulate", "Affinity", "Sequence", "IO", "Learn"], path: "Tests/SimulateTests"),
        .testTarget(name: "ContactsTests", dependencies: ["TestSupport", "Contacts", "IO", "Learn"], path: "Tests/ContactsTests"),
        .testTarget(name: "LearnTests", dependencies: ["TestSupport", "Learn"], path: "Tests/LearnTests"),
        .testTarget(name: "ReportTests", dependencies: ["TestSupport", "Report", "Affinity", "Simulate", "IO"], path: "Tests/ReportTests"),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline", "Sequence", "IO"], path: "Tests/PipelineTests"),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "betseq", "IO"], path: "Tests/CLITests"),
    ]
)
