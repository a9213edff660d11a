import Foundation

/// Motifs built into betseq, so that `--landscape motif:cbf1` works anywhere (copies of the JASPAR
/// files in fixtures/motifs; a test checks they are identical).
public enum BuiltinMotifs {
    public static let jaspar: [String: String] = [
        "cbf1": """
            >MA0281.2 CBF1
            A  [  73  75 137  12   1 253   1   7   0   0 215  17  67  83  79 ]
            C  [  44  33  14  20 254   0 243   0   0   1  24 146  93  50  33 ]
            G  [  46  85  73  55   1   2   2 249   0 255  11   9  21  47  66 ]
            T  [  93  63  32 169   0   1  10   0 256   0   6  84  75  76  78 ]
            """,
        "pho4": """
            >MA0357.1 PHO4
            A  [  94  97 967   0  85   2   1   4 ]
            C  [ 393 900   1 911   1  28   0 507 ]
            G  [ 507   0  28   1 911   1 900 393 ]
            T  [   4   1   2  85   0 967  97  94 ]
            """,
    ]
}
