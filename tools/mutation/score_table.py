#!/usr/bin/env python3
"""Per-file mutation scores from Stryker.NET JSON reports (mutation-report.json), as a Markdown table.

    python3 tools/mutation/score_table.py StrykerOutput/*/reports/mutation-report.json

Several reports (slices) may be given; a file in more than one keeps its latest report's mutants. Score as Stryker
counts it: (killed + timeout) / (killed + timeout + survived + no coverage); compile errors and ignored mutants are
left out of the score (the compile errors are counted in their own column: a mutant Stryker could not compile is
untested, not killed). Survivors are listed per file with line and mutator, for docs/mutation-testing.md, and so are the mutants
marked equivalent in the source (`// Stryker disable once <mutator> : <reason>`), with their reasons.
"""
import json
import os
import sys
from collections import Counter


def main(paths):
    files = {}
    for path in sorted(paths, key=os.path.getmtime):
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        for name, data in report["files"].items():
            if any(m["status"] not in ("Ignored", "CompileError") for m in data["mutants"]):
                files[name] = data["mutants"]
    common = os.path.commonpath(list(files)) if len(files) > 1 else ""
    rows, total, survivors, marked = [], Counter(), [], []
    for name in sorted(files):
        c = Counter(m["status"] for m in files[name])
        detected, undetected = c["Killed"] + c["Timeout"], c["Survived"] + c["NoCoverage"]
        total.update(c)
        short = os.path.relpath(name, common) if common else name
        score = 100.0 * detected / (detected + undetected) if detected + undetected else 100.0
        equivalent = [m for m in files[name] if m["status"] == "Ignored" and not m.get("statusReason", "").startswith("Removed by")]
        total["Equivalent"] += len(equivalent)
        rows.append(f"| {short} | {score:.1f} % | {c['Killed']} | {c['Timeout']} | {c['Survived']} | {c['NoCoverage']} | {len(equivalent)} | {c['CompileError']} |")
        for m in equivalent:
            marked.append(f"- {short}:{m['location']['start']['line']} {m['mutatorName']}: {m['statusReason'].strip()}")
        for m in files[name]:
            if m["status"] in ("Survived", "NoCoverage"):
                line = m["location"]["start"]["line"]
                survivors.append(f"- {short}:{line} {m['status']} {m['mutatorName']}: `{m.get('replacement', '').strip()[:80]}`")
    detected, undetected = total["Killed"] + total["Timeout"], total["Survived"] + total["NoCoverage"]
    print("| file | score | killed | timeout | survived | no coverage | marked equivalent | compile error |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    if detected + undetected:
        print(f"| **all** | **{100.0 * detected / (detected + undetected):.1f} %** | {total['Killed']} | {total['Timeout']} | {total['Survived']} | {total['NoCoverage']} | {total['Equivalent']} | {total['CompileError']} |")
    print()
    print("\n".join(survivors))
    if marked:
        print()
        print("Marked equivalent in the source:")
        print("\n".join(marked))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: score_table.py mutation-report.json...")
    main(sys.argv[1:])
