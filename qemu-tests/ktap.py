#!/usr/bin/env python3
"""Parse one KUnit suite's KTAP output (stdin); print "N passed" or why not.

Exits non-zero when a case failed, the plan and the results disagree, or the
suite itself did not report ok.
"""
import re
import sys

suite = sys.argv[1]
lines = sys.stdin.read().splitlines()
plan = None
passed, failed, skipped = [], [], []
suite_ok = None
for line in lines:
    s = line.strip()
    m = re.match(r"^1\.\.(\d+)$", s)
    if m and line.startswith("    ") and plan is None:
        plan = int(m.group(1))
        continue
    m = re.match(r"^(not ok|ok) \d+ (\S+)(.*)$", s)
    if not m:
        continue
    status, name, rest = m.groups()
    if not line.startswith("    "):  # the suite line
        if name == suite:
            suite_ok = status == "ok"
        continue
    if line.startswith("        "):  # parameterised sub-case
        continue
    if "# SKIP" in rest:
        skipped.append(name)
    elif status == "ok":
        passed.append(name)
    else:
        failed.append(name)
ran = len(passed) + len(failed) + len(skipped)
if failed or suite_ok is not True or plan is None or ran != plan or skipped:
    print(f"{len(passed)} passed, {len(failed)} failed {failed}, {len(skipped)} skipped, "
          f"plan {plan}, suite ok {suite_ok}")
    sys.exit(1)
print(f"{len(passed)} passed in {suite}")
