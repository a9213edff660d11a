import Testing
@testable import Report

@Suite struct SVGTests {
    @Test func escapesText() {
        #expect(escapeXML("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
    }

    @Test func documentIsStable() {
        var svg = SVGCanvas(width: 100, height: 50)
        svg.rect(x: 1.234, y: -0.001, width: 10, height: 5.5, fill: "#fff")
        svg.text("ΔΔG < 0", x: 50, y: 25, anchor: "middle")
        #expect(svg.document == """
            <svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">
            <rect x="1.23" y="0" width="10" height="5.50" fill="#fff"/>
            <text x="50" y="25" font-size="12" text-anchor="middle">ΔΔG &lt; 0</text>
            </svg>

            """)
    }
}
