import IO

/// The failures of reads and designs, which IO (knowing no biology) does not define.
extension BETSeqError.Kind {
    /// A design template that cannot be used (a usage error: it comes from an option or a sheet).
    public static let invalidDesign = Self("invalidDesign", .usage)
    /// A FASTQ record that does not start with '@'.
    public static let missingHeader = Self("missingHeader", .data)
    /// A FASTQ record whose third line does not start with '+'.
    public static let missingPlus = Self("missingPlus", .data)
    /// A FASTQ or FASTA record cut short by the end of the input.
    public static let truncatedRecord = Self("truncatedRecord", .data)
    /// A quality line whose length differs from its sequence's.
    public static let qualityLength = Self("qualityLength", .data)
    /// A quality character outside the PHRED+33 range.
    public static let qualityCharacter = Self("qualityCharacter", .data)
    /// A character that is not a base where a DNA sequence is expected.
    public static let invalidBase = Self("invalidBase", .data)

    /// The kinds Sequence defines.
    public static let sequenceKinds: [Self] = [.invalidDesign, .missingHeader, .missingPlus, .truncatedRecord,
                                               .qualityLength, .qualityCharacter, .invalidBase]
}
