#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# prom_check.py FILE [QUERY...]
#
# Parses FILE as Prometheus text exposition (prometheus_client's parser, which
# raises on any malformed line), then checks what the format and this project
# require beyond parsing: every family has HELP and TYPE, a family's samples
# are not split, names start with peeredge_. Exits 1 with the reason if not.
#
# Each QUERY is NAME or NAME{label=value,...} and prints the sum of the
# matching samples' values ("none" when nothing matches), one line each.
import re
import sys

from prometheus_client.parser import text_string_to_metric_families


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(1)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser's own reason
        fail(f"does not parse: {e!r}")
    if not families:
        fail("no metrics")
    seen = set()
    for f in families:
        if f.name in seen:
            fail(f"family {f.name} appears twice (samples split)")
        seen.add(f.name)
        if not f.name.startswith("peeredge_"):
            fail(f"family {f.name} is not peeredge_*")
        if f.type == "unknown" or not f.documentation:
            fail(f"family {f.name} has no TYPE or no HELP")
    samples = [s for f in families for s in f.samples]
    for q in sys.argv[2:]:
        m = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})?", q)
        if not m:
            fail(f"bad query {q}")
        want = dict(kv.split("=", 1) for kv in m.group(2).split(",")) if m.group(2) else {}
        hits = [s.value for s in samples if s.name == m.group(1) and
                all(s.labels.get(k) == v for k, v in want.items())]
        print("%g" % sum(hits) if hits else "none")


main()
