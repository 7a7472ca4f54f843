#!/usr/bin/env python3
"""Reads run.sh's metric samples (epoch ms, accepted so far, backlog, pending; one line each).

usage: samples.py drained|drain-ms|peak SAMPLES_FILE
  drained   exit 0 when backlog and pending were 0 on two samples at least 1 s apart after the
            last sample in which the accepted counter rose
  drain-ms  from that last rise to the first sample with backlog and pending at 0 (-1: never)
  peak      the highest accepted rate over about one second (two sample intervals)
"""
import sys


def rows(path):
    return [list(map(int, l.split())) for l in open(path) if len(l.split()) == 4]


def last_ack(samples):
    return max((i for i in range(1, len(samples)) if samples[i][1] > samples[i - 1][1]), default=0)


def main():
    command, samples = sys.argv[1], rows(sys.argv[2])
    if command == "drained":
        after = samples[last_ack(samples) + 1:]
        ok = any(a[2] == 0 and a[3] == 0 and b[2] == 0 and b[3] == 0 and b[0] - a[0] >= 1000
                 for a in after for b in after)
        sys.exit(0 if ok else 1)
    if command == "drain-ms":
        start = last_ack(samples)
        zero = next((r for r in samples[start:] if r[2] == 0 and r[3] == 0), None)
        print(zero[0] - samples[start][0] if zero else -1)
    elif command == "peak":
        rates = [(b[1] - a[1]) * 1000.0 / (b[0] - a[0])
                 for a, b in zip(samples, samples[2:]) if b[0] > a[0]]
        print(round(max(rates, default=0)))
    else:
        sys.exit("usage: samples.py drained|drain-ms|peak SAMPLES_FILE")


if __name__ == "__main__":
    main()
