#!/bin/bash
# The slices the mutation run is made of (docs/mutation-testing.md), each with the files it mutates and the tests that
# cover them, run one after another:   tools/mutation/slices.sh NAME...      (no NAME: list them)
# DRY=1 prints each slice's run_slice.sh command instead. Each slice's report: StrykerOutput/NAME/reports/mutation-report.json; its log: StrykerOutput/NAME.log.
set -uo pipefail
set -f # the globs are Stryker's, not the shell's
root=$(cd "$(dirname "$0")/../.." && pwd)
t='FullyQualifiedName~ConvVerify.Tests'
# The CLI's tests but those that start child processes or a browser, and the 300-case soak against torch; with the
# tests elsewhere that drive the CLI in process (ONNX import, the low-precision refusals).
cli="($t.Cli&FullyQualifiedName!~AtomicWriteTests&FullyQualifiedName!~HtmlReportTests&TestCategory!=soak&TestCategory!=resnet50)|$t.Fixtures.OnnxImport|$t.LowPrecision.LowPrecisionCliTests"
exact="$t.Convolution.ExactConvTests|$t.Convolution.EngineDetailTests|$t.Convolution.BufferCheckTests|$t.Convolution.ExactPolicyTests|$t.Convolution.GroupTransposeTests"

# name | filter | project (empty: the library) | globs; a slice whose name ends in -torch keeps live Python (LIVE=1)
slice() {
  case "$1" in
    problems)    echo "$t.Problems|$t.LowPrecision.BFloat16FormatTests||**/Problems/*.cs" ;;
    comparison)  echo "$t.Comparison&FullyQualifiedName!~MissingTermDetection||**/Comparison/*.cs" ;;
    conv-def)    echo "$t.Convolution||**/Convolution/NaiveConv.cs **/Convolution/TapList.cs **/Convolution/ConvMatrix.cs **/Convolution/ConvEngines.cs **/Convolution/ExactEngine.cs **/Convolution/NaiveEngine.cs **/Convolution/ExactConvOptions.cs **/Convolution/Scratch.cs" ;;
    # The exact engine's kernels: ~8 s a mutant (the covering tests run the instrumented kernels), 1,285 mutants in all.
    conv-setup)  echo "$exact||**/Convolution/ExactConv.cs **/Convolution/ExactConv.Setup.cs **/Convolution/ExactConv.Simd.cs **/Convolution/GroupTranspose.cs" ;;
    # The layout copies against their own tests alone (a second each): what only the engine's tests catch shows here.
    conv-transpose) echo "$t.Convolution.GroupTransposeTests||**/Convolution/GroupTranspose.cs" ;;
    conv-channel) echo "$exact||**/Convolution/ChannelJob.cs **/Convolution/ChannelKernels.cs" ;;
    conv-weight) echo "$exact||**/Convolution/WeightKernels.cs" ;;
    inputs)      echo "$t.Cases.InputsTests|$t.Cases.FastInputsTests||**/Cases/Inputs.cs **/Cases/Inputs.Fast.cs **/Cases/SplitMix64.cs" ;;
    small)       echo "$t.Cases|$t.Layouts|$t.Snapshots|$t.Runs|$t.Fixtures.CaseFilePropertyTests|$t.Fixtures.PackTests|$t.Convolution.QuestionCaseTests|$t.Cli.CasesCommandTests||**/Layouts/*.cs **/Catalog/*.cs **/Cases/*.cs **/Snapshots/*.cs" ;;
    # With the browser test: it alone runs the page's script (which reports broken pictures and script errors to it).
    reports)     echo "$t.Reports|$t.Cli.HtmlReportTests|$t.Runs.SkippedProblemTests||**/Reports/*.cs" ;;
    runs)        echo "$t.Runs|$t.Implementations|$t.Cli.CheckCommandTests|$t.Cli.VerifyImplCommandTests||**/Runs/*.cs" ;;
    fixtures)    echo "$t.Fixtures|$t.Cli.PackPathSafetyTests|$t.Cli.FixturesCommandTests||**/Fixtures/*.cs" ;;
    oracles)     echo "($t.Oracles&FullyQualifiedName!~LiveCatalogTests&FullyQualifiedName!~TorchOracle&FullyQualifiedName!~TorchResults&FullyQualifiedName!~PythonLocator)|$t.LowPrecision.LowPrecisionConvTests.Ort||**/Oracles/*.cs !**/Oracles/TorchOracle.cs !**/Oracles/PythonLocator.cs !**/Oracles/TorchAvailability.cs" ;;
    # The torch adapter against live torch (the catalog's 982 live tests left out: the adapter's own tests reach the
    # same code in a fraction of the time). What starts Python is marked: it runs once per test host, and Stryker reuses
    # the host for the next mutant, so a mutant there would decide every later mutant's verdict.
    oracles-torch) echo "$t.Oracles.TorchOracle|$t.Oracles.TorchResults|$t.LowPrecision.BFloat16Tests||**/Oracles/TorchOracle.cs" ;;
    # The interpreter search, with fake interpreters and no live Python (its result is cached per host like torch's).
    oracles-python) echo "$t.Oracles.PythonLocator||**/Oracles/PythonLocator.cs **/Oracles/TorchAvailability.cs" ;;
    # The two files at the library's root: the atomic folder swap (its in-process tests; the kill tests spawn CLIs) and
    # the search for the repository's folders.
    root)        echo "($t.Cli.AtomicWriteTests&FullyQualifiedName!~AKilled)|$t.Fixtures.AtomicFolderTests|$t.Runs.Locations|$t.Cli.SnapshotsCommandTests|$t.Cli.FixturesCommandTests||**/ConvVerify/AtomicFolder.cs **/ConvVerify/Locations.cs" ;;
    cli)         echo "$cli|ConvVerify.Cli.csproj|**/*.cs" ;;
    # The command line in two halves that each fit a session (775 mutants in all, most of them run by every CLI test).
    cli-core)    echo "$cli|ConvVerify.Cli.csproj|**/Cli.cs **/Program.cs **/CliException.cs **/RunOptions.cs **/SelectionOptions.cs **/ConsoleReport.cs **/Progress.cs" ;;
    cli-commands) echo "$cli|ConvVerify.Cli.csproj|**/*Command.cs" ;;
    *) return 1 ;;
  esac
}

if [ $# -eq 0 ]; then
  echo "slices: problems comparison conv-def conv-setup conv-transpose conv-channel conv-weight inputs small reports runs fixtures oracles oracles-torch oracles-python root cli (or cli-core cli-commands)"
  exit 0
fi
for name in "$@"; do
  spec=$(slice "$name") || { echo "unknown slice '$name' (run without arguments for the list)" >&2; exit 2; }
  IFS='|' read -r -a parts <<< "$spec"
  n=${#parts[@]}
  globs=${parts[$((n - 1))]} project=${parts[$((n - 2))]}
  filter=$(IFS='|'; echo "${parts[*]:0:$((n - 2))}")
  if [ -n "${DRY:-}" ]; then
    [[ $name == *-torch ]] && printf 'LIVE=1 '
    printf 'FILTER=%q PROJECT=%q run_slice.sh %q %s\n' "$filter" "${project:-ConvVerify.csproj}" "$name" "$globs"
    continue
  fi
  mkdir -p "$root/StrykerOutput"
  echo "$(date -u +%H:%M) slice $name" >&2
  # shellcheck disable=SC2086 # the globs are split on purpose, and quoted inside run_slice.sh
  live=""; [[ $name == *-torch ]] && live=1
  LIVE="$live" FILTER="$filter" PROJECT="${project:-ConvVerify.csproj}" "$root/tools/mutation/run_slice.sh" "$name" $globs > "$root/StrykerOutput/$name.log" 2>&1 \
    || echo "slice $name failed: see StrykerOutput/$name.log" >&2
done
