// A visitor made of lambdas, one per alternative of a std::variant: with
// std::visit, an alternative that no lambda takes fails to compile.
#pragma once

namespace medlint {

template <class... Lambdas>
struct Overloaded : Lambdas... {
    using Lambdas::operator()...;
};
template <class... Lambdas>
Overloaded(Lambdas...) -> Overloaded<Lambdas...>;

}  // namespace medlint
