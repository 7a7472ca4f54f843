#!/usr/bin/env python3
"""Prints the statistics table of a Gatling 3.15 HTML report, one request name per line.

Gatling 3.15 writes a binary simulation.log and no stats.json; the report's index.html holds the
table. Output (tab-separated): name total ok ko p50 p99 mean (milliseconds).

usage: gatling_stats.py REPORT_DIR
"""
import html
import re
import sys

ROW = re.compile(r'<tr id="req_[^"]*".*?</tr>', re.S)
NAME = re.compile(r'class="ellipsed-name">([^<]*)<')


def cell(row, column):
    found = re.search(r'class="value [a-z]+ col-%d">([^<]*)<' % column, row)
    return found.group(1).strip() if found else "?"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gatling_stats.py REPORT_DIR")
    page = open(sys.argv[1] + "/index.html", encoding="utf-8").read()
    # Columns: 2 total, 3 ok, 4 ko, 8 p50, 11 p99, 13 mean (default percentiles 50/75/95/99).
    for row in ROW.findall(page):
        name = NAME.search(row)
        if not name:
            continue
        fields = [html.unescape(name.group(1))] + [cell(row, c) for c in (2, 3, 4, 8, 11, 13)]
        print("\t".join(fields))


if __name__ == "__main__":
    main()
