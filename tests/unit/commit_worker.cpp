// A host process for the multi-process tests: opens the configuration given
// and commits COUNT documents whose encounter ids start with PREFIX, printing
// each encounter id on stdout, flushed, once medlint has acknowledged it.
//
//   medlint_commit_worker CONFIG PREFIX COUNT
//
// Exit status: 0 when every commit was acknowledged, 2 on a failed call, 3 on
// a failed open, 64 on bad arguments.
#include <medlint/medlint.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::string document(const std::string &encounter) {
    return "<commit mode=\"preaudit\" time=\"2026-11-23T09:30:00+08:00\">"
           "<institution code=\"H52270100001\"/>"
           "<physician code=\"D522701000123\"/>"
           "<patient id-type=\"passport\" id=\"P-" + encounter + "\" name=\"Worker\" gender=\"U\"/>"
           "<encounter id=\"" + encounter + "\" type=\"outpatient\"/>"
           "<item id=\"1\" kind=\"treatment\" code=\"001204000010000\" date=\"2026-11-23\"/>"
           "<item id=\"2\" kind=\"service\" code=\"001101000010000\" date=\"2026-11-23\"/>"
           "</commit>";
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s CONFIG PREFIX COUNT\n", argv[0]);
        return 64;
    }
    const std::string prefix = argv[2];
    const long count = std::strtol(argv[3], nullptr, 10);
    medlint_engine *engine = nullptr;
    if (medlint_open(argv[1], &engine) != MEDLINT_OK) {
        std::fprintf(stderr, "open failed: %s\n", medlint_last_error());
        return 3;
    }
    int status = 0;
    for (long i = 0; i < count; ++i) {
        const std::string encounter = prefix + "-" + std::to_string(i);
        const std::string request = document(encounter);
        char *response = nullptr;
        int code = medlint_call(engine, request.data(), request.size(), &response);
        medlint_free(response);
        if (code != MEDLINT_OK) {
            std::fprintf(stderr, "commit %s failed (%d): %s\n", encounter.c_str(), code, medlint_last_error());
            status = 2;
            break;
        }
        std::printf("%s\n", encounter.c_str());
        std::fflush(stdout);
    }
    medlint_close(engine);
    return status;
}
