#!/bin/bash
# One slice of the mutation run (docs/mutation-testing.md): Stryker.NET 5.1 over the files matching the globs, with
# the suite minus the tests that need live torch, spawn CLIs or soak (they cover the same code far more slowly).
#   tools/mutation/run_slice.sh NAME GLOB...      e.g. tools/mutation/run_slice.sh comparison '**/Comparison/*.cs'
# Report: StrykerOutput/NAME/reports/mutation-report.json; table: tools/mutation/score_table.py.
# Needs dotnet-stryker 5.1.0 on PATH or in $STRYKER (dotnet tool install dotnet-stryker --version 5.1.0 --tool-path DIR).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 NAME GLOB..." >&2; exit 2; }
name=$1; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
stryker=${STRYKER:-dotnet-stryker}
args=()
for g in "$@"; do args+=(--mutate "$g"); done
filter='TestCategory!=resnet50&FullyQualifiedName!~LiveCatalogTests&FullyQualifiedName!~FreshnessTests&FullyQualifiedName!~TorchOracle'
filter+='&FullyQualifiedName!~AtomicWriteTests&FullyQualifiedName!~SoakCommand&FullyQualifiedName!~MissingTermDetection&FullyQualifiedName!~CorruptByte&FullyQualifiedName!~CorruptedByte'
# FILTER narrows the tests to those of the slice's folder (much faster; the score is then a lower bound).
filter=${FILTER:-$filter}
# PROJECT names the project mutated (default the library; ConvVerify.Cli.csproj for the command line).
project=${PROJECT:-ConvVerify.csproj}
cd "$root/tests/ConvVerify.Tests"
# No Python: the live-torch tests are filtered out, and any left would otherwise start an interpreter per mutant.
# LIVE=1 keeps the machine's interpreter, for the torch adapter's own slice.
python=/nonexistent
# Stryker runs mutant after mutant in one test host: Python must outlive each run's end (TestAssemblySetup), since it
# cannot start again in the same process. What starts it runs once per host: its mutants are not really tested here.
[ -n "${LIVE:-}" ] && { python=${CONVVERIFY_PYTHON:-}; export CONVVERIFY_KEEP_PYTHON=1; }
CONVVERIFY_PYTHON=$python nice -n ${NICE:-10} "$stryker" --project "$project" "${args[@]}" --test-case-filter "$filter" \
  --concurrency 2 --reporter json --reporter html --reporter progress -O "$root/StrykerOutput/$name"
