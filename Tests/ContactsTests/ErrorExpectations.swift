import IO
import Testing

/// Expects `body` to throw a `BETSeqError` of `kind` whose description (`file: line L: message`)
/// contains `text` when given; returns the error for further checks (nil, with an issue recorded,
/// when `body` throws nothing or something else).
@discardableResult
func expectError<T>(_ kind: BETSeqError.Kind, _ text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () throws -> T) -> BETSeqError? {
    do {
        _ = try body()
        Issue.record("no error; expected one of kind \(kind)", sourceLocation: sourceLocation)
    } catch let e as BETSeqError {
        #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
        if let text { #expect(e.description.contains(text), "\(e)", sourceLocation: sourceLocation) }
        return e
    } catch {
        Issue.record("\(error); expected a BETSeqError of kind \(kind)", sourceLocation: sourceLocation)
    }
    return nil
}
