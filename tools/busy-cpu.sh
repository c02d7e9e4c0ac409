#!/usr/bin/env bash
# Runs a command and prints the machine's busy CPU-seconds over it (from /proc/stat, all processes: a test host's
# children count too), e.g.  tools/busy-cpu.sh dotnet test --no-build
set -u
busy() { read -r _ u n s i w q sq st _ < /proc/stat; echo $((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)); }
read -r b0 t0 < <(busy)
"$@"
status=$?
read -r b1 t1 < <(busy)
hz=$(getconf CLK_TCK)
echo "busy $(( (b1 - b0) / hz )) CPU-s of $(( (t1 - t0) / hz ))"
exit $status
