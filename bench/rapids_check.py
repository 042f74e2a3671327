#!/usr/bin/env python3
"""The RAPIDS explain-only log of `prepare --force` as a check (make rapids-explain).

Reads the driver log, attributes every operator or expression the plugin reports as not on the GPU
(lines starting with '!') to the preparation stage running at the time, and compares each with
bench/rapids-allowlist.txt. Writes the per-stage lists, marked allowed or not, to the report file;
exits 1 when an entry is outside the allow-list.

Allow-list lines: `stage | regular expression | why it cannot move` (stage `*` = any stage); the
expression is searched in the entry as the report prints it (ids and hashes removed).
"""
import re
import sys
from collections import Counter, OrderedDict

log, allowlist, report = sys.argv[1], sys.argv[2], sys.argv[3]
STAGES = ("ingest", "filter", "index", "features", "split", "negatives")
rules = []
for n, line in enumerate(open(allowlist, encoding="utf-8"), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    parts = [p.strip() for p in line.split("|", 2)]
    if len(parts) != 3 or not parts[2]:
        sys.exit("%s:%d: expected 'stage | regular expression | why it cannot move', found: %s" % (allowlist, n, line))
    rules.append((parts[0], re.compile(parts[1]), parts[2]))

stage = "start-up"
entries = OrderedDict()
running = re.compile(r"RunPipeline: stage (\w+): running")
for line in open(log, encoding="utf-8", errors="replace"):
    m = running.search(line)
    if m:
        stage = m.group(1)
        continue
    if re.match(r"^\s*!", line):
        text = re.sub(r"\s+$", "", re.sub(r"@[0-9a-f]+", "", re.sub(r"#[0-9]+L?", "", line.strip())))
        entries.setdefault(stage, Counter())[text] += 1

out, outside, total = [], 0, 0
for st, counter in entries.items():
    out.append("## %s" % st)
    for text, count in counter.most_common():
        total += count
        why = next((r[2] for r in rules if r[0] in ("*", st) and r[1].search(text)), None)
        if why is None:
            outside += count
        out.append("%6d %s %s%s" % (count, "allowed" if why else "NOT ALLOWED", text[:400], "\n         why: " + why if why else ""))
    out.append("")
summary = ("# %d not-on-GPU reports in all, %d outside the allow-list (%s, %d rules)"
           % (total, outside, allowlist, len(rules)))
with open(report, "a", encoding="utf-8") as f:
    f.write(summary + "\n\n" + "\n".join(out) + "\n")
print(summary)
sys.exit(1 if outside else 0)
