#!/usr/bin/env python3
"""A host in Python that loads medlint with ctypes (standard library only):
load the library by its ABI-1 name, declare each function, check
medlint_abi_version(), open an engine with the built-in defaults and check one
request document.

    medlint_host.py REQUEST.xml

MEDLINT_LIBRARY names the library file to load instead of libmedlint.so.1.
Exit status: 0 pass or info, 1 warning, 2 block, 3 check failed.  Every
failure, from a missing library to a failed call, is shown as "check failed,
review by hand", never as a pass.
"""
import ctypes
import os
import sys
import xml.etree.ElementTree as ElementTree

ABI_VERSION = 1  # MEDLINT_ABI_VERSION of medlint.h
MEDLINT_OK = 0
EXIT_STATUS = {"pass": 0, "info": 0, "warning": 1, "block": 2}
EXIT_CHECK_FAILED = 3


class CheckFailed(Exception):
    """Anything that keeps a check from giving a verdict."""


def load(path):
    """The library with the argument and result types of each function."""
    try:
        library = ctypes.CDLL(path)
        out_pointer = ctypes.POINTER(ctypes.c_void_p)  # medlint_engine ** and char **
        library.medlint_open.argtypes = [ctypes.c_char_p, out_pointer]
        library.medlint_open.restype = ctypes.c_int
        # The response is kept as a raw pointer so that medlint_free() can release it.
        library.medlint_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, out_pointer]
        library.medlint_call.restype = ctypes.c_int
        library.medlint_free.argtypes = [ctypes.c_void_p]
        library.medlint_free.restype = None
        library.medlint_close.argtypes = [ctypes.c_void_p]
        library.medlint_close.restype = None
        library.medlint_last_error.argtypes = []
        library.medlint_last_error.restype = ctypes.c_char_p
        library.medlint_version.argtypes = []
        library.medlint_version.restype = ctypes.c_char_p
        library.medlint_abi_version.argtypes = []
        library.medlint_abi_version.restype = ctypes.c_int
    except (OSError, AttributeError) as error:  # no library, or one without a function of the ABI
        raise CheckFailed(f"medlint unavailable: {error}") from error
    if library.medlint_abi_version() != ABI_VERSION:
        raise CheckFailed("medlint unavailable: the library has another ABI version than this host")
    print(f"medlint {library.medlint_version().decode()}, ABI {ABI_VERSION}")
    return library


def last_error(library):
    return library.medlint_last_error().decode("utf-8", "replace")


def check(library, request):
    """The response document to the request (bytes, sent as they are)."""
    engine = ctypes.c_void_p()
    if library.medlint_open(None, ctypes.byref(engine)) != MEDLINT_OK:
        raise CheckFailed(f"medlint unavailable: {last_error(library)}")
    try:
        response = ctypes.c_void_p()
        code = library.medlint_call(engine, request, len(request), ctypes.byref(response))
        try:
            if code != MEDLINT_OK:
                raise CheckFailed(last_error(library))
            return ctypes.string_at(response)
        finally:
            library.medlint_free(response)  # also after a failure: it holds the <error> document
    finally:
        library.medlint_close(engine)


def show_verdict(response):
    """Prints the result's status and one line per finding; returns the exit status."""
    try:
        result = ElementTree.fromstring(response)
    except ElementTree.ParseError as error:
        raise CheckFailed(f"the response is not XML: {error}") from error
    status = result.get("status")
    if result.tag != "check-result" or status not in EXIT_STATUS:
        raise CheckFailed(f"the response is not a <check-result> with a known status: <{result.tag} status={status!r}>")
    print(f"verdict: {status}")
    for finding in result.iter("finding"):
        print(f"  {finding.get('rule')} ({finding.get('severity')}): {finding.findtext('message', '')}")
    return EXIT_STATUS[status]


def main(arguments):
    if len(arguments) != 1:
        print(f"usage: {sys.argv[0]} REQUEST.xml", file=sys.stderr)
        return EXIT_CHECK_FAILED
    try:
        library = load(os.environ.get("MEDLINT_LIBRARY") or "libmedlint.so.1")
        try:
            with open(arguments[0], "rb") as file:
                request = file.read()
        except OSError as error:
            raise CheckFailed(f"cannot read {arguments[0]}: {error.strerror}") from error
        return show_verdict(check(library, request))
    except CheckFailed as failure:
        print(f"check failed, review by hand: {failure}")
        return EXIT_CHECK_FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
