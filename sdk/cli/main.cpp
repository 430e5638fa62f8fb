#include <exception>
#include <iostream>

#include "commands.hpp"

int main(int argc, char **argv) {
    using namespace medlint::cli;
    try {
        return run(parse_command_line(argc, argv));
    } catch (const UsageError &e) {
        std::cerr << "medlint: " << e.what() << " (see medlint --help)\n";
    } catch (const std::exception &e) {
        std::cerr << "medlint: " << e.what() << '\n';
    }
    return kExitError;
}
