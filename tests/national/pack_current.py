#!/usr/bin/env python3
"""Fails unless the committed national pack (rules/national) is exactly what
tools/national-pack/convert makes from its sources: rerun the converter and
commit its output when a source or the converter changes."""

import filecmp
import os
import subprocess
import sys
import tempfile

repo = sys.argv[1]
pack = os.path.join(repo, "rules", "national")
with tempfile.TemporaryDirectory() as fresh:
    subprocess.run([sys.executable, os.path.join(repo, "tools", "national-pack", "convert"), "--out", fresh],
                   check=True)
    made = sorted(os.listdir(fresh))
    committed = sorted(f for f in os.listdir(pack) if f != "source")
    _, differ, missing = filecmp.cmpfiles(pack, fresh, made, shallow=False)
    stale = sorted(set(committed) - set(made))
    for name in differ:
        print("rules/national/%s differs from what the converter makes" % name)
    for name in missing:
        print("rules/national/%s is missing" % name)
    for name in stale:
        print("rules/national/%s is not made by the converter" % name)
    if differ or missing or stale:
        sys.exit("the national pack is not current: run tools/national-pack/convert and commit its output")
print("rules/national: %d files current" % len(made))
