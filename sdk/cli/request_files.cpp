#include "request_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace medlint::cli {
namespace {

constexpr auto npos = std::string_view::npos;

std::string too_large(const std::string &name) {
    return name + " holds a document over the " + std::to_string(kMaxDocumentBytes >> 20) +
           " MiB limit (send one encounter per document)";
}

// Reads `fd` to its end, calling `check` with the bytes so far and where the
// new ones begin after each read; `check` throws to stop.
std::string read_all(int fd, const std::string &name, const std::function<void(std::string_view, size_t)> &check) {
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw std::runtime_error("cannot read " + name + ": " + std::strerror(errno));
        if (got == 0) return bytes;
        size_t from = bytes.size();
        bytes.append(buffer, static_cast<size_t>(got));
        check(bytes, from);
    }
}

void refuse_over_limit(std::string_view bytes, const std::string &name) {
    if (bytes.size() > kMaxDocumentBytes) throw std::runtime_error(too_large(name));
}

const char *kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

struct Descriptor {
    int fd;
    ~Descriptor() { ::close(fd); }
};

}  // namespace

std::string read_request(const std::string &path) {
    if (path == "-") return read_all(STDIN_FILENO, "standard input", [](std::string_view bytes, size_t) {
        refuse_over_limit(bytes, "standard input");
    });
    // O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
    Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    struct stat status {};
    if (::fstat(file.fd, &status) != 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    if (!S_ISREG(status.st_mode))
        throw std::runtime_error("cannot read " + path + ": it is " + kind_of(status.st_mode) +
                                 ", not a regular file");
    if (static_cast<unsigned long long>(status.st_size) > kMaxDocumentBytes) throw std::runtime_error(too_large(path));
    ::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK);
    return read_all(file.fd, path, [&](std::string_view bytes, size_t) { refuse_over_limit(bytes, path); });
}

std::string read_document_stream() {
    const std::string name = "standard input";
    size_t document_start = 0;  // after the last NUL, or at the last XML declaration
    return read_all(STDIN_FILENO, name, [&](std::string_view bytes, size_t from) {
        for (size_t nul = bytes.find('\0', from); nul != npos; nul = bytes.find('\0', nul + 1)) {
            std::string_view document = bytes.substr(document_start, nul - document_start);
            if (document.find_first_not_of(" \t\r\n") == npos)
                throw std::runtime_error(name + " holds an empty document before the NUL byte at offset " +
                                         std::to_string(nul));
            document_start = nul + 1;
        }
        size_t search_from = std::max(document_start, from >= 4 ? from - 4 : 0);  // "<?xml" may span two reads
        for (size_t at = bytes.find("<?xml", search_from); at != npos; at = bytes.find("<?xml", at + 1))
            document_start = at;
        if (bytes.size() - document_start > kMaxDocumentBytes) throw std::runtime_error(too_large(name));
    });
}

}  // namespace medlint::cli
