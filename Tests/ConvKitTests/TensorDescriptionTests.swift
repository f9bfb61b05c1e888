import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// One array and what numpy's `print` showed for it, written by
/// `Scripts/fixtures/make_print_fixtures.py`.
struct PrintFixture: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let dtype: String
    let shape: [Int]
    let values: [String]
    let expected: String

    var testDescription: String { name }

    /// The fixture's cases in `Fixtures/print/<file>`.
    static func load(_ file: String) throws -> [PrintFixture] {
        struct Document: Decodable { let cases: [PrintFixture] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/print/\(file)")
        return try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases
    }

    /// The tensor of the fixture's values, printed by ConvKit.
    func render() throws -> String {
        switch dtype {
        case "float64": try tensor { Double($0) }.description
        // The strings hold the float32 values exactly as float64.
        case "float32": try tensor { Double($0).map(Float.init) }.description
        case "int64": try tensor { Int($0) }.description
        case "int32": try tensor { Int32($0) }.description
        case "uint8": try tensor { UInt8($0) }.description
        case "bool": try tensor { ["True": true, "False": false][$0] }.description
        default: throw FixtureError("\(name): unknown dtype \(dtype)")
        }
    }

    private func tensor<Scalar>(_ parse: (String) -> Scalar?) throws -> Tensor<Scalar> {
        let scalars = try values.map { text in
            guard let value = parse(text) else { throw FixtureError("\(name): cannot read \(text)") }
            return value
        }
        return try Tensor(shape: shape, scalars: scalars)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite struct TensorDescriptionTests {
    @Test(arguments: try PrintFixture.load("cases.json"))
    func handPickedCaseMatchesNumpy(_ fixture: PrintFixture) throws {
        let printed = try fixture.render()
        #expect(printed == fixture.expected)
    }

    @Test(arguments: try PrintFixture.load("random.json"))
    func randomCaseMatchesNumpy(_ fixture: PrintFixture) throws {
        let printed = try fixture.render()
        #expect(printed == fixture.expected)
    }

    @Test func fixturesCoverEveryElementType() throws {
        let cases = try PrintFixture.load("cases.json") + PrintFixture.load("random.json")
        #expect(cases.count == 299)
        #expect(Set(cases.map(\.dtype)) == ["float64", "float32", "int64", "int32", "uint8", "bool"])
    }

    @Test func courseMatrixPrintsLikeNumpy() throws {
        let x = try Tensor<Double>(
            shape: [3, 2],
            scalars: [0.90085595, -0.68372786, -0.12289023, -0.93576943, -0.26788808, 0.53035547])
        #expect(x.description == """
            [[ 0.90085595 -0.68372786]
             [-0.12289023 -0.93576943]
             [-0.26788808  0.53035547]]
            """)
    }

    @Test func longRowWrapsAtColumn75() {
        let x = Tensor<Double>([
            -2.17796037, 8.07171329, -0.5772704, 3.36286738, 4.48113645, -2.89198428, 10.99288867,
            3.03171932,
        ])
        #expect(x.description == """
            [-2.17796037  8.07171329 -0.5772704   3.36286738  4.48113645 -2.89198428
             10.99288867  3.03171932]
            """)
    }

    @Test func constantMatricesKeepTheDecimalPoint() throws {
        #expect(try Tensor<Double>(zeros: [2, 2]).description == "[[0. 0.]\n [0. 0.]]")
        #expect(try Tensor<Double>(shape: [2, 2], repeating: 0.5).description == "[[0.5 0.5]\n [0.5 0.5]]")
    }

    @Test func booleansPadTrue() throws {
        let mask = try Tensor<Double>(shape: [2, 3], scalars: [1, 0, 0, 0, 0, 0]).elementsEqual(to: 1)
        #expect(mask.description == "[[ True False False]\n [False False False]]")
        #expect(Tensor(true).description == "True")
    }

    @Test func floatUsesItsOwnShortestDigits() {
        // numpy: str(np.array([0.3, 0.25], dtype=np.float32)), then the same values as float64.
        #expect(Tensor<Float>([0.3, 0.25]).description == "[0.3  0.25]")
        #expect(Tensor<Double>([Double(Float(0.3)), 0.25]).description == "[0.30000001 0.25      ]")
    }

    @Test func otherElementTypesPrintTheirDescriptions() {
        let sizes = Tensor<Size2D>([Size2D(1, 2), 3])
        #expect(sizes.description == "[(1, 2) (3, 3)]")
        #expect(Tensor(Size2D(4, 5)).description == "(4, 5)")
    }
}
