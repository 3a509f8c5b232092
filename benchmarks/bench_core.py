"""Core performance figures: tokenizer load times, counting throughput, cold CLI start.

Run from the repository root with the project installed (``pip install -e .``):

    python benchmarks/bench_core.py [--repeat 11]

It prints figures; it asserts nothing. Targets (issue 2): our counting throughput at least
0.9 of raw tiktoken ``encode_ordinary`` on the same text, and a cold ``tokenbudget count`` of
a 10 KB file for one OpenAI model under 0.5 s median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

EN = (
    "The quarterly report shows that token spend grew faster than usage, mostly because "
    "long prompts were sent to the most expensive models without caching. "
)
CODE = (
    "def price(tokens: int, rate: Decimal) -> Decimal:\n"
    "    if tokens < 0:\n        raise ValueError('negative')\n    return tokens * rate\n\n"
)
ZH = "本季度报告显示，令牌支出的增长快于使用量，主要是因为长提示词在没有缓存的情况下被发送到了最昂贵的模型。\n"
JSON = (
    '{"model": "deepseek-v4-flash", "input_tokens": 1834, "output_tokens": 412, "cached": true}\n'
)


def mixed_text(size: int) -> str:
    """About ``size`` bytes of English, code, Chinese and JSON, deterministic."""
    block = EN * 4 + "\n" + CODE + ZH * 2 + JSON * 2 + "\n"
    reps = size // len(block.encode("utf-8")) + 1
    text = block * reps
    data = text.encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore")


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def load_times() -> None:
    from tokenbudget.core.tokenizers import TokenizerRegistry

    print("== tokenizer load time (fresh interpreter each, median of 3; includes sha256 checks)")
    for tokenizer_id in TokenizerRegistry.bundled().ids():
        code = (
            "import time, resource\n"
            "from tokenbudget.core.tokenizers import TokenizerRegistry\n"
            "reg = TokenizerRegistry.bundled()\n"
            "t = time.perf_counter()\n"
            f"reg.get({tokenizer_id!r}).count('warm up')\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            seconds, rss = out.stdout.split()
            runs.append((float(seconds), int(rss)))
        median = statistics.median(r[0] for r in runs)
        rss_mb = max(r[1] for r in runs) / 1024
        print(f"  {tokenizer_id:15s} {median * 1000:7.0f} ms   peak RSS {rss_mb:5.0f} MB")


def throughput(repeat: int) -> None:
    from tokenbudget.core.tokenizers import TokenizerRegistry

    text = mixed_text(1 << 20)
    mib = len(text.encode("utf-8")) / (1 << 20)
    reg = TokenizerRegistry.bundled()
    print(f"== counting throughput on {mib:.2f} MiB of mixed text (best of {repeat})")
    print(
        f"  {'tokenizer':15s} {'ours':>9s} {'raw':>9s} {'ours/raw':>9s}  raw = the library's own single call"
    )
    for tokenizer_id in reg.ids():
        tok = reg.get(tokenizer_id)
        ours = best_of(lambda: tok.count(text), repeat)  # noqa: B023
        inner = getattr(tok, "_encoding", None)
        if inner is not None:
            # The reference path normalises first where the vocabulary needs it (Qwen: NFC).
            nfc = tok._nfc  # type: ignore[attr-defined]
            raw = best_of(
                lambda: inner.encode_ordinary(unicodedata.normalize("NFC", text) if nfc else text),  # noqa: B023
                repeat,
            )
        else:
            kit = tok._kit  # type: ignore[attr-defined]
            raw = best_of(lambda: kit.encode(text, False), max(1, repeat // 3))  # noqa: B023
        print(
            f"  {tokenizer_id:15s} {mib / ours:6.1f} MB/s {mib / raw:6.1f} MB/s {raw / ours:8.2f}x"
        )


def _cli_times(command: list[str], home_for_run, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for run in range(repeat):
        env = {**os.environ, "TOKENBUDGET_HOME": str(home_for_run(run))}
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def _summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"median {statistics.median(ms):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms"


def cold_cli(repeat: int) -> None:
    text = mixed_text(10 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        prompt = Path(tmp) / "prompt.txt"
        prompt.write_text(text, encoding="utf-8")
        script = Path(sys.executable).with_name("tokenbudget")
        base = [str(script)] if script.exists() else [sys.executable, "-m", "tokenbudget"]
        one = [*base, "count", str(prompt), "--model", "gpt-5.5"]
        every = [*base, "count", str(prompt)]
        shared = Path(tmp) / "home"
        subprocess.run(
            one,
            env={**os.environ, "TOKENBUDGET_HOME": str(shared)},
            check=True,
            capture_output=True,
        )
        print(f"== cold `tokenbudget count` of a 10 KB file ({repeat} runs, a new process each)")
        print(
            "  one OpenAI model, vocabulary cache present:   "
            + _summary(_cli_times(one, lambda _: shared, repeat))
        )
        fresh = _cli_times(one, lambda run: Path(tmp) / f"fresh{run}", max(3, repeat // 3))
        print("  one OpenAI model, first run ever (no cache):  " + _summary(fresh))
        print(
            "  the default 13 models, cache present:         "
            + _summary(_cli_times(every, lambda _: shared, max(3, repeat // 3)))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    load_times()
    throughput(max(3, args.repeat // 2))
    cold_cli(args.repeat)


if __name__ == "__main__":
    main()
