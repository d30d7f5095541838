#!/usr/bin/env bash
# Submit command of the stand-in cluster: run Snakemake's job script detached, print a job id.
set -euo pipefail
jobscript="${@: -1}"
nohup bash "$jobscript" >"$jobscript.out" 2>&1 </dev/null &
echo "$!"
