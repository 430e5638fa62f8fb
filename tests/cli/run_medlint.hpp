// The built medlint tool run as a user runs it, for the tests of this
// folder: started with a scratch configuration, its stdout and stderr going
// to files, so that neither pipe can fill up and stall it.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "../unit/support.hpp"

extern char **environ;

namespace test {

struct Run {
    int status = -1;  // the exit status, or -1 when the tool did not exit normally
    std::string out, err;
};

// The built medlint (MEDLINT_CLI), started with the scratch configuration.
class Medlint {
public:
    struct Options {
        std::string stdin_path = "/dev/null";
        std::string folder;  // the working folder; the test's own when empty
        bool configured = true;  // given --config with the scratch configuration
    };

    Medlint(const Scratch &scratch, const std::vector<std::string> &arguments, const Options &options)
        : out_(scratch.dir.file("stdout.txt")), err_(scratch.dir.file("stderr.txt")) {
        std::vector<std::string> words{MEDLINT_CLI};
        if (options.configured) words.insert(words.end(), {"--config", scratch.config});
        words.insert(words.end(), arguments.begin(), arguments.end());
        std::vector<char *> argv;
        for (auto &word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, options.stdin_path.c_str(), O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (!options.folder.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.folder.c_str());
        int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(spawned == 0);
    }
    Medlint(const Medlint &) = delete;
    Medlint &operator=(const Medlint &) = delete;
    ~Medlint() {
        if (!waited_) waitpid(pid_, &wait_status_, 0);
    }

    bool running() {
        if (!waited_ && waitpid(pid_, &wait_status_, WNOHANG) == pid_) waited_ = true;
        return !waited_;
    }
    void interrupt() const { kill(pid_, SIGINT); }

    Run wait() {
        if (!waited_) REQUIRE(waitpid(pid_, &wait_status_, 0) == pid_);
        waited_ = true;
        Run run;
        if (WIFEXITED(wait_status_)) run.status = WEXITSTATUS(wait_status_);
        run.out = test::read_file(out_);
        run.err = test::read_file(err_);
        return run;
    }

private:
    std::string out_, err_;
    pid_t pid_ = 0;
    int wait_status_ = 0;
    bool waited_ = false;
};

// `text` with every occurrence of each `from` replaced by its `to`, in turn:
// the output of a run over one file, as a run over another would name it.
inline std::string renamed(std::string text, const std::vector<std::pair<std::string, std::string>> &renames) {
    for (const auto &[from, to] : renames)
        for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    return text;
}

inline Run medlint(const Scratch &scratch, const std::vector<std::string> &arguments,
                  const Medlint::Options &options = {}) {
    return Medlint(scratch, arguments, options).wait();
}

}  // namespace test
