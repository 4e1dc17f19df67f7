# part-stats.sh - the dm-stats rows of make bench, sourced by run.sh
#
# dm-stats with its default statistics (len, words, lines, alnum_ratio)
# and the field coverage over the corpus, against the 200 MB/s the issue
# asks for; and the summary of statistics already computed: dm-stats over
# the output of `dm-map stats` against pandas' describe() of the same file
# (the target: 20 times faster).  Both read the same file named
# as an argument (the corpus on stdin is not read) and print the same
# summary of the four statistics: count, mean, std, min, the quantiles 1,
# 5, 25, 50, 75, 95 and 99 %, max; dm-stats also draws a histogram.  The
# quantiles of dm-stats come from its sketch (within 1.5 % of rank),
# pandas' are exact: the --exact row is dm-stats with exact quantiles, the
# like-for-like peer.  Each row is a whole process: start-up (the dynamic
# loader, `import pandas`) counts.  The statistics file is made once per
# corpus; its rows count its bytes, so bytes is set for them and put back
# after.

echo
echo 'dm-stats: the default summary, and describe() of dm-map stats output'
echo
row command seconds MB/s ratio runs 'peak MB'
row ------- ------- ---- ----- ---- -------

bench stats_default "bin/dm-stats"
bench stats_nocov "bin/dm-stats --depth 0"

stats_file=$data_dir/bench-stats.jsonl
if [ ! -f "$stats_file" ] || [ "$stats_file" -ot "$data" ]; then
	echo "dm bench: writing $stats_file" >&2
	"bin/dm-map" 'stats names=len,words,lines,alnum_ratio; keep fields=stats' \
	    <"$data" >"$stats_file.tmp"
	mv "$stats_file.tmp" "$stats_file"
fi
stats_saved=$bytes
bytes=$(wc -c <"$stats_file" | tr -d ' ')
bench stats_fields "bin/dm-stats --depth 0 -s stats.len,stats.words,stats.lines,stats.alnum_ratio $stats_file"
bench stats_exact "bin/dm-stats --exact --depth 0 -s stats.len,stats.words,stats.lines,stats.alnum_ratio $stats_file"
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	bench stats_pandas "/usr/bin/python3 $bench_dir/stats-describe.py $stats_file"
else
	row "pandas describe()" "not installed (apt-get install python3-pandas)"
fi
bytes=$stats_saved

echo
target 'dm-stats (default set)' stats_default 200
ratio 'dm-stats / pandas describe()' stats_fields stats_pandas 20
ratio 'dm-stats --exact / pandas' stats_exact stats_pandas
