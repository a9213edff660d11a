// swift-tools-version:6.0
import PackageDescription

// Layers point down only: CLI -> Report -> {Affinity, Simulate, Contacts} -> {SequenceIO, Learn} -> C shims.
let package = Package(
    name: "BETSeq",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "betseq", targets: ["betseq"]),
        .library(name: "SequenceIO", targets: ["SequenceIO"]),
        .library(name: "Affinity", targets: ["Affinity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: one system library each, found through pkg-config. ISA-L reads gzip (fast inflate),
        // zlib writes it. BLAS and GSL stay in
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

        .target(name: "SequenceIO", dependencies: ["CZlib", "CISAL"], path: "Sources/Sequence",
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        // Layers are generic (Float to train, Double for gradient checks): cross-module optimisation
        // lets Affinity specialise them for Float instead of running generic code per element.
        .target(name: "Learn", dependencies: ["CBLAS"], path: "Sources/Learn",
                swiftSettings: [.unsafeFlags(["-cross-module-optimization", "-Ounchecked"], .when(configuration: .release))]),
        .target(name: "Affinity", dependencies: ["SequenceIO", "Learn", "CAMX"], path: "Sources/Affinity"),
        .target(name: "Simulate", dependencies: ["SequenceIO", "CGSL"], path: "Sources/Simulate"),
        .target(name: "Contacts", dependencies: ["SequenceIO", "Learn"], path: "Sources/Contacts"),
        // Report presents Affinity's models (it sits above Affinity, below the CLI).
        .target(name: "Report", dependencies: ["Affinity", "SequenceIO"], path: "Sources/Report"),
        .executableTarget(
            name: "betseq",
            dependencies: [
                "SequenceIO", "Learn", "Affinity", "Simulate", "Contacts", "Report",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"),

        .testTarget(name: "SequenceIOTests", dependencies: ["SequenceIO"], path: "Tests/SequenceIOTests"),
        .testTarget(name: "AffinityTests", dependencies: ["Affinity", "SequenceIO", "Learn"], path: "Tests/AffinityTests"),
        .testTarget(name: "SimulateTests", dependencies: ["Simulate", "SequenceIO"], path: "Tests/SimulateTests"),
        .testTarget(name: "ContactsTests", dependencies: ["Contacts", "SequenceIO", "Learn"], path: "Tests/ContactsTests"),
        .testTarget(name: "LearnTests", dependencies: ["Learn"], path: "Tests/LearnTests"),
        .testTarget(name: "ReportTests", dependencies: ["Report"], path: "Tests/ReportTests"),
        .testTarget(name: "CLITests", dependencies: ["betseq", "CZlib"], path: "Tests/CLITests"),
    ]
)
