#include <exception>
#include <iostream>

#include "commands.hpp"
#include "render.hpp"
#include "terminal_text.hpp"

int main(int argc, char **argv) {
    using namespace medlint::cli;
    // Only the palette's colours reach a terminal as control sequences; everything else is shown escaped.
    ControlEscaper out(std::cout, Palette::for_stdout().colours()), errors(std::cerr, false);
    try {
        return run(parse_command_line(argc, argv));
    } catch (const UsageError &e) {
        std::cerr << "medlint: " << e.what() << " (see medlint --help)\n";
    } catch (const std::exception &e) {
        std::cerr << "medlint: " << e.what() << '\n';
    }
    return kExitError;
}
