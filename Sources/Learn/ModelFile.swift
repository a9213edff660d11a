import Foundation
import IO

/// The one container every trained network is saved in: a JSON object with
///
///     {"format": NAME, "version": N, <architecture keys>, "parameters": BASE64, "metadata": {...}}
///
/// `parameters` is every parameter and buffer as little-endian float32 in the network's order
/// (`ParameterStore.flatten`); the architecture's own keys sit at the top level beside them.
/// Metadata (training history, metrics, provenance) is read leniently: a file whose metadata this
/// version cannot read still loads, with `metadata` nil.
public struct ModelFile<Architecture: Codable & Sendable, Metadata: Codable & Sendable>: Sendable {
    public var format: String
    public var version: Int
    public var architecture: Architecture
    public var parameters: [Float]
    public var metadata: Metadata?

    public init(format: String, version: Int, architecture: Architecture, parameters: [Float], metadata: Metadata?) {
        self.format = format
        self.version = version
        self.architecture = architecture
        self.parameters = parameters
        self.metadata = metadata
    }

    private enum Keys: String, CodingKey { case format, version, parameters, metadata }

    /// The `format` of a JSON model file, if it has one (nil for anything else).
    public static func formatName(of data: Data) -> String? {
        (try? JSONDecoder().decode(ModelFileHeader.self, from: data))?.format
    }

    public func write(path: String) throws {
        try JSONFile.write(Encoded(file: self), path: path)
    }

    /// Reads a model file of `format`; versions above `version` are refused as written by a newer
    /// betseq, versions below `oldest` as too old to read.
    public static func read(path: String, format: String, version: Int, oldest: Int = 1) throws -> ModelFile {
        let data = Data(try readAllBytes(path: path))
        return try decode(data, file: path, format: format, version: version, oldest: oldest)
    }

    public static func decode(_ data: Data, file: String, format: String, version: Int, oldest: Int = 1) throws -> ModelFile {
        guard let header = try? JSONDecoder().decode(ModelFileHeader.self, from: data) else {
            throw BETSeqError(.malformedTable, file: file, "not a \(format) file (not a JSON object)")
        }
        guard header.format == format else {
            throw BETSeqError(.malformedTable, file: file, "not a \(format) file (format: \(header.format ?? "none"))")
        }
        guard let v = header.version else { throw BETSeqError(.malformedTable, file: file, "missing key 'version'") }
        if v > version {
            throw BETSeqError(.unsupportedVersion, file: file, "\(format) version \(v) was written by a newer betseq; this one reads versions \(oldest) to \(version)")
        }
        if v < oldest {
            throw BETSeqError(.unsupportedVersion, file: file, "\(format) version \(v) was written by an older betseq; this one reads versions \(oldest) to \(version)")
        }
        let decoded = try JSONFile.decode(Decoded.self, from: data, file: file)
        guard let flat = ParameterStore.decode(decoded.parameters) else {
            throw BETSeqError(.malformedTable, file: file, "'parameters' is not base64 float32 data")
        }
        if let bad = flat.firstIndex(where: { !$0.isFinite }) {
            throw BETSeqError(.malformedTable, file: file, "parameter \(bad + 1) of \(flat.count) is \(flat[bad]); a model's weights must be finite")
        }
        return ModelFile(format: format, version: v, architecture: decoded.architecture, parameters: flat, metadata: decoded.metadata)
    }

    private struct Encoded: Encodable {
        let file: ModelFile
        func encode(to encoder: Encoder) throws {
            try file.architecture.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(file.format, forKey: .format)
            try c.encode(file.version, forKey: .version)
            try c.encode(ParameterStore.encode(file.parameters), forKey: .parameters)
            try c.encodeIfPresent(file.metadata, forKey: .metadata)
        }
    }

    private struct Decoded: Decodable {
        let architecture: Architecture
        let parameters: String
        let metadata: Metadata?
        init(from decoder: Decoder) throws {
            architecture = try Architecture(from: decoder)
            let c = try decoder.container(keyedBy: Keys.self)
            parameters = try c.decode(String.self, forKey: .parameters)
            metadata = try? c.decodeIfPresent(Metadata.self, forKey: .metadata)
        }
    }
}

/// The two keys every model file starts from.
private struct ModelFileHeader: Decodable {
    var format: String?
    var version: Int?
}
