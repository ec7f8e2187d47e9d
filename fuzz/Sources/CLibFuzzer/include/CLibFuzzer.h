// libFuzzer's driver, from the runtime that -sanitize=fuzzer links (compiler-rt's
// libclang_rt.fuzzer). Each target's main calls it: SwiftPM names an executable's entry point
// <Module>_main and points `main` at it, so libFuzzer's own main is never used.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
