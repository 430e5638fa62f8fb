// Boost.JSON compiled into the library from its headers (boost/json/src.hpp,
// once in the whole library): Debian's libboost-json would add a shared
// library to every host's dependencies, and its symbols stay hidden here.
#include <boost/json/src.hpp>
