// A command-line driver for the kernel testers, for builds without Swift (Scripts/check-arm64.sh
// runs it under qemu-aarch64): every family on the portable kernels, in float and double.
#include "CConvKitKernelTester.h"
#include "CConvKitKernels.h"

#include <cstdio>

int main() {
    long passed = 0, failed = 0;
    for (int family = 0; family < CKT_FAMILY_COUNT; family++) {
        for (int is_double = 0; is_double < 2; is_double++) {
            if (is_double && !ckt_family_has_double(family)) continue;
            long cases = 0;
            char message[512];
            long failures = ckt_run(family, ck_isa_detect(), is_double, &cases, message, sizeof message);
            std::printf("%s %s %s: %ld cases, %ld failed%s%s\n", failures ? "FAIL" : "ok", ckt_family_name(family),
                        is_double ? "f64" : "f32", cases, failures, failures ? ": " : "", failures ? message : "");
            (failures ? failed : passed)++;
        }
    }
    std::printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
