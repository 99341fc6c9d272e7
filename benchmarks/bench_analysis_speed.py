"""Per-article analysis throughput on ~600-word news articles (issue 5: >= 20 articles/s, 2 cores).

Articles are built from real news text read (never copied) from ../shared/data: PolNeAR
political news (default) or ECB+ (``--source ecbplus``). Paragraphs of one source document are
taken, and documents of the same outlet (PolNeAR) or topic (ECB+) appended, until the article
reaches ``--words`` words (cut at the first sentence end after that), so every article is a
realistic ~600-word piece.

Prints the median over ``--repeat`` runs of ``analyze_articles`` (spaCy ``nlp.pipe`` batching;
forked workers sharing the parent's loaded model for large inputs, and forced to one process) in
articles/s (wall, and per CPU-second of this process and its workers), the per-stage split
measured in one process (spaCy parse alone, timed with ``nlp.pipe`` on the same texts; glue =
the rest of the time outside the extractors; each extractor timed by wrapping the function the
pipeline calls) and peak RSS.
Figures on a shared machine are noisy: re-run on an idle one before quoting them.

Usage: python benchmarks/bench_analysis_speed.py [--articles 200] [--repeat 3] [--words 600]
       [--processes N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# As the CLI does (cli.py), before numpy loads; compare with e.g. OPENBLAS_NUM_THREADS=2.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s")


def _documents(source: str) -> list[tuple[str, str]]:
    """(group, text) pairs: group = outlet (PolNeAR) or topic (ECB+)."""
    if source == "polnear":
        path, group_key = DATA / "polnear" / "articles.jsonl", "outlet"
    else:
        path, group_key = DATA / "ecbplus" / "docs.jsonl", "topic"
    with open(path, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return [(str(row[group_key]), row["text"]) for row in rows if row.get("text")]


def build_articles(source: str, count: int, words: int) -> list[str]:
    """``count`` texts of about ``words`` words each, from consecutive same-group documents."""
    by_group: dict[str, list[str]] = defaultdict(list)
    for group, text in _documents(source):
        by_group[group].extend(p.strip() for p in text.split("\n") if p.strip())
    articles: list[str] = []
    pools = [paragraphs for paragraphs in by_group.values() if paragraphs]
    cursor = [0] * len(pools)
    while len(articles) < count:
        progressed = False
        for i, paragraphs in enumerate(pools):
            if len(articles) >= count or cursor[i] >= len(paragraphs):
                continue
            taken, total = [], 0
            while cursor[i] < len(paragraphs) and total < words:
                taken.append(paragraphs[cursor[i]])
                total += len(paragraphs[cursor[i]].split())
                cursor[i] += 1
            if total >= words * 0.9:
                articles.append(_cut("\n\n".join(taken), words))
                progressed = True
        if not progressed:
            break
    return articles


def _cut(text: str, words: int) -> str:
    """The text up to the first sentence end after ``words`` words."""
    position = 0
    for _ in range(words):
        match = re.compile(r"\S+").search(text, position)
        if match is None:
            return text
        position = match.end()
    end = _SENTENCE_END.search(text, position)
    return text[: end.end()].rstrip() if end else text


class StageTimer:
    """Wraps the extractor functions the pipeline module calls, summing their time per stage."""

    def __init__(self, module) -> None:
        self.module = module
        self.seconds: dict[str, float] = defaultdict(float)
        self.originals: dict[str, Callable] = {}

    def __enter__(self) -> StageTimer:
        for name, value in vars(self.module).items():
            if callable(value) and name.startswith(("extract_", "find_")):
                self.originals[name] = value
                setattr(self.module, name, self._timed(name, value))
        return self

    def __exit__(self, *exc) -> None:
        for name, value in self.originals.items():
            setattr(self.module, name, value)

    def _timed(self, name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            if hasattr(result, "__next__"):  # a generator does its work when consumed
                result = list(result)
            self.seconds[name] += time.perf_counter() - start
            return result
        return wrapper


def _threads_note() -> str:
    """Threads in this process before any worker is forked. Once a process has run a second
    thread (OpenBLAS starts one per core when numpy loads, unless OPENBLAS_NUM_THREADS=1), glibc
    takes its multi-threaded paths for good, in it and in every child forked from it: the parse
    then costs ~12% more CPU. Both settings give the same analyses."""
    tasks = Path("/proc/self/task")
    count = len(list(tasks.iterdir())) if tasks.exists() else "?"
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    return f"threads before forking: {count} (OPENBLAS_NUM_THREADS={blas})"


def _cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the analysis workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _throughput(pipeline, articles, processes: int | None) -> tuple[float, float, float]:
    """(articles per wall second, articles per CPU second of this process and its workers,
    claims per article)."""
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    analyses = list(pipeline.analyze_articles(articles, processes=processes))
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    claims = sum(len(a.claims) for a in analyses) / len(analyses)
    return len(analyses) / elapsed, len(analyses) / cpu, claims


def _stage_split(pipeline, nlp, articles, texts, batch_size: int) -> dict[str, float]:
    """Per-article ms by stage, in this process (the stage timers cannot see into workers)."""
    with StageTimer(pipeline) as timer:
        start = time.perf_counter()
        list(pipeline.analyze_articles(articles, processes=1))
        elapsed = time.perf_counter() - start
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    parse = time.perf_counter() - start
    stages = dict(timer.seconds)
    outside = elapsed - sum(stages.values())
    stages = {"spaCy parse": parse, "glue (outside)": outside - parse, **stages}
    return {name: seconds / len(articles) * 1000 for name, seconds in stages.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("polnear", "ecbplus"), default="polnear")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--processes", type=int, default=None,
                        help="analysis worker processes (default: the library's choice)")
    args = parser.parse_args(argv)

    from corroborator.analysis import pipeline
    from corroborator.analysis.checkworthy import load_model
    from corroborator.analysis.nlp import load_nlp
    from corroborator.model import Article
    from corroborator.settings import DEFAULT_SETTINGS

    texts = build_articles(args.source, args.articles, args.words)
    articles = [Article(id=f"a{i}", outlet="bench", text=t) for i, t in enumerate(texts)]
    lengths = sorted(len(t.split()) for t in texts)
    print(f"{len(articles)} {args.source} articles, median {statistics.median(lengths):.0f} "
          f"words (min {lengths[0]}, max {lengths[-1]})")

    start = time.perf_counter()
    nlp = load_nlp()
    load_model()
    print(f"model loads: {time.perf_counter() - start:.2f} s")
    print(_threads_note())
    list(pipeline.analyze_articles(articles[:8]))  # warm-up: caches, lexicons, first batch

    runs: dict[str, list[tuple[float, float, float]]] = {"default": [], "one process": []}
    splits = []
    for _ in range(args.repeat):
        runs["default"].append(_throughput(pipeline, articles, args.processes))
        runs["one process"].append(_throughput(pipeline, articles, 1))
        splits.append(_stage_split(pipeline, nlp, articles, texts,
                                   DEFAULT_SETTINGS.spacy_batch_size))
    for mode, results in runs.items():
        rates, cpu_rates = [r[0] for r in results], [r[1] for r in results]
        # CPU time is less disturbed by other processes on a shared machine than wall time.
        print(f"throughput, {mode}: median {statistics.median(rates):.1f} articles/s "
              f"({', '.join(f'{r:.1f}' for r in rates)}); per CPU-second (this process + "
              f"workers) {statistics.median(cpu_rates):.1f} "
              f"({', '.join(f'{r:.1f}' for r in cpu_rates)})")
    print("per-article time by stage, one process (median ms, wall):")
    for name in splits[0]:
        print(f"  {name:<22} {statistics.median(s[name] for s in splits):8.1f}")
    print(f"claims per article: {runs['default'][-1][2]:.1f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {own:.0f} MiB this process, {worker:.0f} MiB largest worker "
          "(workers are forked: the model's pages are shared until written)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
