// The raw request: any bytes, as a host might pass them to medlint_call.
#include <cstddef>
#include <cstdint>

#include "engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz::call({reinterpret_cast<const char *>(data), size});
    return 0;
}
