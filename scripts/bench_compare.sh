#!/usr/bin/env bash
# Run the benchmarks on an earlier commit and on the working tree, alternately, with the same
# arguments, so the two sets of figures share the machine's load and can be compared.
#
#   scripts/bench_compare.sh BASE_REV [ROUNDS]
#
# Each benchmark runs ROUNDS times (default 2) on each side (base, this tree, base, this tree
# ...). Outputs go to benchmarks/out/compare/<bench>.<side>.<round>.txt; read the figures from
# there. The ledger and history benchmarks use 200,000 entries here (1,000,000 by default), so
# one comparison takes about 15 minutes on two cores; both sides get the same sizes.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
base_rev=${1:?usage: scripts/bench_compare.sh BASE_REV [ROUNDS]}
rounds=${2:-2}
python=${PYTHON:-$top/.venv/bin/python}
base_tree=$(mktemp -d)/base
git -C "$top" worktree add -q --detach "$base_tree" "$base_rev"
trap 'git -C "$top" worktree remove --force "$base_tree"' EXIT
out="$top/benchmarks/out/compare"
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen
benches=(
    "bench_core.py"
    "bench_incremental.py"
    "bench_import.py --mb 50"
    "bench_gui.py --starts 7"
    "bench_popup.py"
    "bench_remote_count.py"
    "bench_ledger.py --entries 200000 --import-mb 20"
    "bench_history.py --entries 200000"
)
for bench in "${benches[@]}"; do
    name=${bench%%.py*}
    for round in $(seq "$rounds"); do
        for side in base tree; do
            dir=$top
            [ "$side" = base ] && dir=$base_tree
            home=$(mktemp -d)
            echo "== $name ($side, round $round)"
            (cd "$dir" && TOKENBUDGET_HOME=$home PYTHONPATH=$dir timeout 1200 \
                "$python" benchmarks/$bench) > "$out/$name.$side.$round.txt" 2>&1 \
                || echo "   (exit $?; see $out/$name.$side.$round.txt)"
            rm -rf "$home"
        done
    done
done
echo "outputs in $out"
