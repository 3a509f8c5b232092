"""Incremental counting figures: chunking, first count, one keystroke, cache memory.

Run from the repository root with the project installed (``pip install -e .``):

    python benchmarks/bench_incremental.py [--size 1048576] [--repeat 7]

It prints figures; it asserts nothing except that every incremental count equals the
whole-text count. Target (the editor): after a keystroke in a 1 MB document, every shown count
(the 7 bundled vocabularies and the Claude estimators) is updated within 100 ms in total.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from collections.abc import Callable

from tokenbudget.core.chunking import chunk, rechunk
from tokenbudget.core.estimate import get_estimator
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.tokenizers import TokenizerRegistry

IDS = ["o200k_base", "cl100k_base", "deepseek-v3", "qwen2", "qwen3.5", "mistral-tekken", "gemma3"]
ESTIMATORS = ["claude", "claude-4.7"]

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "that",
    "with",
    "on",
    "as",
    "by",
    "this",
    "are",
    "be",
    "from",
    "at",
    "or",
    "it",
    "an",
    "was",
    "can",
    "token",
    "budget",
    "prompt",
    "model",
    "count",
    "price",
    "report",
    "quarterly",
    "cache",
    "context",
    "window",
    "estimate",
    "user",
    "spend",
    "usage",
    "long",
    "expensive",
    "faster",
    "growth",
    "vocabulary",
    "tokenizer",
]
NAMES = [
    "price",
    "tokens",
    "rate",
    "total",
    "count",
    "value",
    "item",
    "result",
    "data",
    "text",
    "chunk",
    "cache",
    "key",
    "size",
]
HANZI = "本季度报告显示令牌支出的增长快于使用量主要是因为长提示词在没有缓存的情况下被发送到了最昂贵的模型"


def mixed_document(size: int, seed: int = 1) -> str:
    """About ``size`` UTF-8 bytes of English, Python, Chinese and fenced blocks; not periodic,
    so that no two chunks repeat (a repeated block would flatter the cache)."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        kind = rng.randrange(5)
        if kind <= 1:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
            piece = words.capitalize() + ".\n"
        elif kind == 2:
            piece = "".join(rng.choice(HANZI) for _ in range(rng.randint(30, 200))) + "。\n"
        else:
            lines = [f"def {rng.choice(NAMES)}_{rng.randrange(1000)}(x: int) -> int:"]
            for _ in range(rng.randint(3, 15)):
                indent = "    " * rng.randint(1, 3)
                lines.append(f"{indent}{rng.choice(NAMES)} = x[{rng.randrange(100)}] + 1")
            lines.append(f"    return {rng.choice(NAMES)}")
            piece = "\n".join(lines) + "\n\n"
            if kind == 4:
                piece = "```python\n" + piece + "```\n"
        out.append(piece)
        total += len(piece.encode("utf-8"))
    return "".join(out)


def csv_like(size: int) -> str:
    """Short lines that all start a new line: the most safe cuts per megabyte."""
    rng = random.Random(2)
    rows = []
    total = 0
    while total < size:
        row = f"{rng.randrange(10**6)},{rng.choice(NAMES)},{rng.random():.6f}\n"
        rows.append(row)
        total += len(row)
    return "".join(rows)


def best_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def keystroke(text: str, rng: random.Random) -> str:
    """Insert one character somewhere in the middle half of the text."""
    at = rng.randrange(len(text) // 4, len(text) * 3 // 4)
    return text[:at] + rng.choice("ax 中\n") + text[at:]


def chunking(text: str, repeat: int) -> None:
    print(f"== chunking ({len(text):,} chars)")
    for name, doc in (("mixed", text), ("csv-like", csv_like(len(text.encode("utf-8"))))):
        pieces = chunk(doc)
        sizes = sorted(map(len, pieces))
        ms = best_ms(lambda doc=doc: chunk(doc), repeat)  # type: ignore[misc]
        edited = keystroke(doc, random.Random(3))
        re_ms = best_ms(lambda: rechunk(pieces, edited), repeat)  # noqa: B023
        print(
            f"  {name:9} chunk {ms:6.1f} ms   rechunk after a keystroke {re_ms:5.2f} ms   "
            f"{len(pieces)} chunks, median {sizes[len(sizes) // 2]} chars, "
            f"p10 {sizes[len(sizes) // 10]}, p90 {sizes[len(sizes) * 9 // 10]}, max {sizes[-1]}"
        )


def counting(text: str, repeat: int) -> None:
    registry = TokenizerRegistry.bundled()
    print("== loading the vocabularies")
    for tid in IDS:
        start = time.perf_counter()
        registry.get(tid).count("warm up")
        print(f"  {tid:15} {time.perf_counter() - start:5.2f} s")
    counter = IncrementalCounter(registry)
    counter.chunks(text)

    print(f"== first count of the document ({len(text.encode('utf-8')):,} bytes)")
    print(f"  {'':15} {'incremental':>12} {'whole text':>11}")
    for tid in IDS:
        tok = registry.get(tid)
        start = time.perf_counter()
        n = counter.count(tid, text)
        first = time.perf_counter() - start
        whole = best_ms(lambda tok=tok: tok.count(text), 1)  # type: ignore[misc]
        assert n == tok.count(text), tid
        print(f"  {tid:15} {first * 1000:9.0f} ms {whole:8.0f} ms   {n:,} tokens")
    for eid in ESTIMATORS:
        est = get_estimator(eid)
        start = time.perf_counter()
        n = counter.estimate(eid, text)
        first = time.perf_counter() - start
        assert n == est.estimate(text, registry.get(est.base).count), eid
        print(f"  {eid:15} {first * 1000:9.0f} ms {'':>11}   {n:,} tokens (estimate)")

    print(f"== one keystroke, then every count again ({repeat} keystrokes at random places)")
    rng = random.Random(5)
    per_key: dict[str, list[float]] = {k: [] for k in ["(chunking)", *IDS, *ESTIMATORS]}
    totals = []
    for _ in range(repeat):
        text = keystroke(text, rng)
        gc.collect()
        start = time.perf_counter()
        counter.chunks(text)
        mark = time.perf_counter()
        per_key["(chunking)"].append(mark - start)
        for key in [*IDS, *ESTIMATORS]:
            counter.count_key(key, text)
            now = time.perf_counter()
            per_key[key].append(now - mark)
            mark = now
        totals.append(mark - start)
    print(f"  {'':15} {'median':>9} {'max':>9}")
    for key, times in per_key.items():
        print(f"  {key:15} {statistics.median(times) * 1000:6.1f} ms {max(times) * 1000:6.1f} ms")
    print(
        f"  all 7 + {len(ESTIMATORS)} estimates, one thread: median "
        f"{statistics.median(totals) * 1000:.1f} ms, max {max(totals) * 1000:.1f} ms "
        "(target 100 ms)"
    )
    for tid in IDS:
        assert counter.count(tid, text) == registry.get(tid).count(text), tid

    print("== opening a code fence early (every later line changes kind), then closing it")
    at = text.index("\n", len(text) // 10) + 1
    for label, edited in (("open", text[:at] + "```\n" + text[at:]), ("close", text)):
        for eid in ESTIMATORS:
            start = time.perf_counter()
            n = counter.estimate(eid, edited)
            ms = (time.perf_counter() - start) * 1000
            print(f"  {label:6} {eid:15} {ms:6.0f} ms   {n:,} tokens (estimate)")

    stats = counter.stats()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("== cache")
    print(
        f"  {stats.entries} chunks, about {stats.bytes / 2**20:.1f} MiB of {stats.max_bytes / 2**20:.0f}"
        f" MiB allowed; {stats.hits:,} hits, {stats.misses:,} misses; process peak RSS {rss:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1 << 20, help="document size in bytes")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the chunking timings")
    parser.add_argument("--keystrokes", type=int, default=25)
    args = parser.parse_args()
    text = mixed_document(args.size)
    chunking(text, args.repeat)
    counting(text, args.keystrokes)


if __name__ == "__main__":
    main()
