#!/usr/bin/env python3
"""Reads a capacity run's Gatling report: each step is a request name "TARGET RATE/s".

usage: capacity.py REPORT_DIR LABEL MAX_P99_MS MAX_ERROR_PERCENT STEP_SECONDS

Prints one line per step (rate, requests, failed share, p50, p99, answered per second, held or
not) and last a line "held=RATE" with the highest rate of the unbroken run of steps, from the
first, whose p99 and failed share stayed below the bounds (held=0 when the first step broke),
and "capped=true" when every step held: the limit is then above the last step, not found.
"""
import re
import subprocess
import sys
from pathlib import Path

STEP = re.compile(r"^\S+ (\d+)/s$")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    report, label = sys.argv[1], sys.argv[2]
    max_p99, max_err, step_s = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    if not (Path(report) / "index.html").exists():
        print(f"capacity: {label} no report in {report}: no request was answered at all")
        print("held=0")
        print("capped=false")
        return
    table = subprocess.run([sys.executable, str(Path(__file__).with_name("gatling_stats.py")),
                            report], check=True, capture_output=True, text=True).stdout
    steps = []
    for line in table.splitlines():
        name, total, ok, ko, p50, p99, _mean = line.split("\t")
        match = STEP.match(name)
        if match:
            steps.append((int(match.group(1)), int(total), int(ok), int(ko), p50, p99))
    lines, held, capped = judge(label, steps, max_p99, max_err, step_s)
    print("\n".join(lines))
    print(f"held={held}")
    print(f"capped={'true' if capped else 'false'}")


def judge(label, steps, max_p99, max_err, step_s):
    """Steps (rate, total, ok, ko, p50, p99) -> (a line per step, rate held, every step held)."""
    lines, held, unbroken = [], 0, True
    for rate, total, ok, ko, p50, p99, in sorted(steps):
        err = 100.0 * ko / total if total else 100.0
        holds = p99.isdigit() and float(p99) < max_p99 and err < max_err
        # A step cut short when the run stopped has fewer requests than its rate promises.
        full = total >= 0.9 * rate * step_s
        verdict = "held" if holds and full else ("cut short" if not full else "broke")
        if unbroken and holds and full:
            held = rate
        else:
            unbroken = False
        lines.append(f"capacity: {label} step={rate}/s requests={total} failed={err:.2f}% "
                     f"p50={p50}ms p99={p99}ms answered/s={ok / step_s:.0f} {verdict}")
    return lines, held, bool(steps) and unbroken

if __name__ == "__main__":
    main()
