"""Issue 13 figures for the vocabularies: cold count, load time and memory, install size.

One command measures a base revision ("before") and this working tree ("after") in the same
run, each installed into a fresh virtual environment, so both share the machine's load::

    python benchmarks/bench_vocab.py --before main [--runs 5] [--keep DIR]

For each side it prints:

- ``tokenbudget count FILE`` on a 10 KB file of mixed English, code, Chinese and JSON with the
  default models: median, min and max wall time of ``--runs`` cold runs (a new process each,
  the user's vocabulary cache present after a first run), and the peak RSS of each run
  (``ru_maxrss`` of that child from ``os.wait4``);
- every bundled vocabulary's load time (``registry.get(id).count(...)`` in a fresh
  interpreter, median of 3) with the interpreter's peak RSS and its RSS once loaded;
- the installed size of the fresh venv (``du -sk``), and the packages in it that matter here.

With ``--kitoken-tiktoken`` it also converts the OpenAI encodings (o200k, cl100k; the other
tiktoken-format files already ship as kitoken definitions) to kitoken definitions in a
temporary directory and prints their load time, their encoding speed against tiktoken's on
1 MiB, and whether they agree with the shipped path on the golden strings: the figures behind
keeping tiktoken for them.

It prints figures and asserts nothing. Byte-compiled files are written first
(``compileall``) because this machine sets PYTHONDONTWRITEBYTECODE=1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import mixed_text

REPO = Path(__file__).resolve().parent.parent

LOAD = """
import json, resource, sys, time
from tokenbudget.core.tokenizers import TokenizerRegistry
reg = TokenizerRegistry.bundled()
ids = reg.ids() if sys.argv[1] == "--list" else [sys.argv[1]]
if sys.argv[1] == "--list":
    print(json.dumps(ids)); raise SystemExit
t = time.perf_counter()
reg.get(ids[0]).count("warm up")
took = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open("/proc/self/statm") as f:
    rss = int(f.read().split()[1]) * resource.getpagesize() / (1 << 20)
print(json.dumps([took, peak, rss]))
"""


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def install(source: Path, venv: Path) -> None:
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "pip"), "install", "-q", str(source)])
    site = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import tokenbudget, os; print(os.path.dirname(tokenbudget.__file__))",
        ]
    )
    run([str(venv / "bin" / "python"), "-m", "compileall", "-q", site.stdout.strip()])


def timed_child(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time in seconds and peak RSS in MB of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr.read() if proc.stderr else ''}")
    return took, usage.ru_maxrss / 1024


def cold_count(venv: Path, work: Path, runs: int) -> tuple[float, float]:
    """Print and return the median wall time (ms) and median peak RSS (MB) of ``count``."""
    prompt = work / "prompt.txt"
    prompt.write_text(mixed_text(10 * 1024), encoding="utf-8")
    env = {**os.environ, "TOKENBUDGET_HOME": str(work / "home")}
    cmd = [str(venv / "bin" / "tokenbudget"), "count", str(prompt)]
    timed_child(cmd, env)  # first run: builds the user's vocabulary cache
    results = [timed_child(cmd, env) for _ in range(runs)]
    ms = [t * 1000 for t, _ in results]
    rss = [r for _, r in results]
    print(
        f"  tokenbudget count (10 KB, default models), {runs} runs: median {statistics.median(ms):.0f} ms"
        f" (min {min(ms):.0f}, max {max(ms):.0f}); peak RSS median {statistics.median(rss):.0f} MB"
        f" (max {max(rss):.0f})"
    )
    return statistics.median(ms), statistics.median(rss)


def load_times(
    venv: Path, work: Path, only: list[str] | None = None
) -> dict[str, tuple[float, float]]:
    """Print and return each vocabulary's median load time (ms) and peak RSS (MB)."""
    python = str(venv / "bin" / "python")
    env = {**os.environ, "TOKENBUDGET_HOME": str(work / "home")}
    ids = only or json.loads(run([python, "-c", LOAD, "--list"], env=env, cwd=work).stdout)
    figures = {}
    print("  vocabulary load (fresh interpreter, median of 3): time, peak RSS, RSS once loaded")
    for tokenizer_id in ids:
        rows = [
            json.loads(run([python, "-c", LOAD, tokenizer_id], env=env, cwd=work).stdout)
            for _ in range(3)
        ]
        took = statistics.median(r[0] for r in rows) * 1000
        print(
            f"    {tokenizer_id:15s} {took:6.0f} ms  peak {max(r[1] for r in rows):5.0f} MB"
            f"  loaded {statistics.median(r[2] for r in rows):5.0f} MB"
        )
        figures[tokenizer_id] = (took, max(r[1] for r in rows))
    return figures


def install_size(venv: Path) -> float:
    """Print and return the size of ``venv`` in MB."""
    kb = int(run(["du", "-sk", str(venv)]).stdout.split()[0])
    listed = run([str(venv / "bin" / "pip"), "list", "--format=json"]).stdout
    names = {p["name"].lower(): p["version"] for p in json.loads(listed)}
    keep = ("tokenizers", "huggingface-hub", "huggingface_hub", "hf-xet", "kitoken", "tiktoken")
    present = ", ".join(f"{n} {v}" for n, v in sorted(names.items()) if n in keep)
    print(f"  install size of the fresh venv: {kb / 1024:.0f} MB ({present})")
    return kb / 1024


def kitoken_for_tiktoken(venv: Path, work: Path) -> None:
    """Load time and speed of kitoken definitions of the tiktoken-format vocabularies."""
    code = r"""
import json, resource, statistics, sys, time, unicodedata
from pathlib import Path
from kitoken import Kitoken
from tokenbudget.core.tokenizers import TokenizerRegistry, read_verified
sys.path.insert(0, sys.argv[2])
from bench_core import mixed_text
reg = TokenizerRegistry.bundled()
spec = reg.spec(sys.argv[1])
out = Path(sys.argv[3]) / f"{spec.id}.kitoken"
if not out.exists():
    raw = read_verified(reg._dir / spec.file, spec)
    kit = Kitoken.from_tekken(raw) if spec.loader == "tekken" else Kitoken.from_tiktoken(raw)
    definition = kit.definition()
    definition["specials"] = []  # the product counts special-token text as ordinary text
    if spec.pattern:
        definition["config"]["split"] = [
            {"Pattern": {"pattern": {"Regex": spec.pattern}, "behavior": "Isolate"}}
        ]
    if spec.normalize == "NFC":
        definition["config"]["normalization"] = [{"Unicode": {"scheme": "NFC"}}]
    kit.set_definition(definition)
    out.write_bytes(kit.to_bytes())
    print(json.dumps(None)); raise SystemExit
mode = sys.argv[4]
t = time.perf_counter()
if mode == "kitoken":
    kit = Kitoken(out.read_bytes()); kit.encode("warm up", False)
    count = lambda s: len(kit.encode(s, False))
else:  # the tiktoken path, whichever the registry now uses (with the user's parse cache)
    from tokenbudget.core.tokenizers import TiktokenVocabulary
    tok = TiktokenVocabulary(spec, reg._vocabulary(spec)); tok.count("warm up")
    count = tok.count
load = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
text = mixed_text(1 << 20)
times = []
for _ in range(3):
    t0 = time.perf_counter(); count(text); times.append(time.perf_counter() - t0)
best = min(times) / (len(text.encode("utf-8")) / (1 << 20))
golden = [c["text"] for c in json.loads(Path(sys.argv[5]).read_text("utf-8"))]
counts = [count(s) for s in golden]
print(json.dumps([load, rss, 1.0 / best, counts]))
"""
    python = str(venv / "bin" / "python")
    env = {**os.environ, "TOKENBUDGET_HOME": str(work / "home")}
    defs = work / "kitoken-defs"
    defs.mkdir(exist_ok=True)
    golden = REPO / "tests" / "golden" / "strings.json"
    bench_dir = str(REPO / "benchmarks")
    print("  tiktoken-format vocabularies as kitoken definitions (fresh interpreter, median of 3)")
    print(f"    {'id':15s} {'load':>15s} {'peak RSS':>15s} {'MB/s (1 MiB)':>15s}  golden strings")
    print(f"    {'':15s} {'tiktoken/kit':>15s} {'tiktoken/kit':>15s} {'tiktoken/kit':>15s}")
    # The other tiktoken-format files (Qwen, Tekken) already ship as kitoken definitions.
    for tokenizer_id in ("o200k_base", "cl100k_base"):
        base = [python, "-c", code, tokenizer_id, bench_dir, str(defs)]
        run([*base, "convert", str(golden)], env=env, cwd=work)
        rows = {}
        for mode in ("tiktoken", "kitoken"):
            rows[mode] = [
                json.loads(run([*base, mode, str(golden)], env=env, cwd=work).stdout)
                for _ in range(3)
            ]
        t, k = rows["tiktoken"], rows["kitoken"]
        differ = sum(a != b for a, b in zip(t[0][3], k[0][3], strict=True))
        print(
            f"    {tokenizer_id:15s} {statistics.median(r[0] for r in t) * 1000:6.0f}/{statistics.median(r[0] for r in k) * 1000:<6.0f} ms"
            f" {max(r[1] for r in t):6.0f}/{max(r[1] for r in k):<6.0f} MB"
            f" {max(r[2] for r in t):6.1f}/{max(r[2] for r in k):<6.1f}"
            f"  {differ} of {len(t[0][3])} differ"
        )


def export_revision(revision: str, dest: Path) -> Path:
    """Write the files of ``revision`` to ``dest`` (a new folder) and return it."""
    dest.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def export_working_tree(dest: Path) -> Path:
    """Write this working tree's tracked files, as they are now, to ``dest`` and return it."""
    dest.mkdir()
    files = run(["git", "-C", str(REPO), "ls-files", "-z"]).stdout.split("\0")
    tar = dest.parent / f"{dest.name}.tar"
    subprocess.run(
        ["tar", "-c", "-C", str(REPO), "-f", str(tar), *filter(None, files)],
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(dest), "-f", str(tar)], check=True)
    tar.unlink()
    return dest


def side(name: str, source: Path, work: Path, runs: int, kit: bool) -> None:
    venv = work / "venv"
    start = time.perf_counter()
    install(source, venv)
    print(f"== {name} ({source}; installed in {time.perf_counter() - start:.0f} s)")
    install_size(venv)
    cold_count(venv, work, runs)
    load_times(venv, work)
    if kit:
        kitoken_for_tiktoken(venv, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="git revision to measure as 'before' (e.g. main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kitoken-tiktoken", action="store_true")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="tb-bench-vocab-") as tmp:
        root = Path(tmp)
        if args.before:
            base = export_revision(args.before, root / "before-src")
            (root / "before").mkdir()
            side(f"before: {args.before}", base, root / "before", args.runs, False)
        after = export_working_tree(root / "after-src")
        (root / "after").mkdir()
        side("after: this working tree", after, root / "after", args.runs, args.kitoken_tiktoken)


if __name__ == "__main__":
    main()
