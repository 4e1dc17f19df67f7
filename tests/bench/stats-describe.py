# stats-describe.py - pandas' describe() of the statistics that
# `dm-map stats` wrote: the peer of dm-stats in make bench
#
# usage: /usr/bin/python3 stats-describe.py STATS.jsonl
import sys

import pandas as pd

df = pd.read_json(sys.argv[1], lines=True)
stats = pd.DataFrame(df["stats"].tolist())
print(stats.describe(percentiles=[.01, .05, .25, .5, .75, .95, .99]).to_string())
