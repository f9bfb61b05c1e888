import CConvKitKernelTester
import CConvKitKernels
import Testing

@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The C-level micro-kernel testers (Tests/CConvKitKernelTester), run for every kernel family on
/// every instruction set this CPU has; an instruction set it lacks is skipped with a message.
@Suite struct KernelTesterTests {
    struct Run: CustomStringConvertible, Sendable {
        let family: Int32
        let isDouble: Bool
        var description: String { "\(String(cString: ckt_family_name(family))) \(isDouble ? "f64" : "f32")" }
    }

    static let runs: [Run] = (0..<Int32(CKT_FAMILY_COUNT.rawValue)).flatMap { family in
        ckt_family_has_double(family) != 0
            ? [Run(family: family, isDouble: false), Run(family: family, isDouble: true)]
            : [Run(family: family, isDouble: false)]
    }

    @Test(arguments: runs)
    func kernelsMatchTheScalarReference(_ run: Run) {
        for isa in KernelISA.allCases {
            guard isa <= KernelISA.detected else {
                print("KernelTesterTests: \(run) on \(isa.rawValue) skipped: this CPU lacks \(isa.rawValue)")
                continue
            }
            var cases = 0
            var message = [CChar](repeating: 0, count: 512)
            let failures = ckt_run(run.family, isa.code, run.isDouble ? 1 : 0, &cases, &message, message.count)
            let first = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(cases > 0, "\(run) on \(isa.rawValue) ran no case")
            #expect(failures == 0, "\(run) on \(isa.rawValue): \(failures) failed checks, first: \(first)")
        }
    }
}
