# part-dedup.sh - the dm-dedup rows of make bench, sourced by run.sh
#
# dm-dedup --exact and --near (Data-Juicer's defaults) over the corpus,
# with their peak RSS, and --near under --memory 16M (its sorted runs in a
# temporary directory); --signatures alone is the signature stage.  The
# peers: a numpy implementation of the same MinHash algorithm
# (dedup-numpy.py, Data-Juicer's code without its framework; the issue's
# target is 20 times faster), and exact deduplication as a shell pipeline
# of content hashes (dm-map hash | sort | uniq).  The targets: the
# signature stage at 100 MB/s a core, exact mode at 500 MB/s.

echo
echo 'dm-dedup: exact and MinHash near-duplicate removal'
echo
row command seconds MB/s ratio runs 'peak MB'
row ------- ------- ---- ----- ---- -------

dedup_tmp=$tmp/dedup
mkdir -p "$dedup_tmp"
bench dedup_exact "bin/dm-dedup --exact"
bench dedup_sortuniq "bin/dm-map 'hash field=h; keep fields=h' | sort | uniq"
bench dedup_near "bin/dm-dedup --near"
bench dedup_near16 "bin/dm-dedup --near --memory 16M --tmp $dedup_tmp"
bench dedup_sign "bin/dm-dedup --near --signatures"
bench dedup_simhash "bin/dm-dedup --simhash"
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
	bench dedup_numpy "/usr/bin/python3 $bench_dir/dedup-numpy.py"
else
	row "dedup-numpy.py" "not installed (apt-get install python3-numpy)"
fi

echo
target 'dm-dedup --exact' dedup_exact 500
target 'dm-dedup --near --signatures' dedup_sign 100
ratio 'dm-dedup --exact / sort|uniq' dedup_exact dedup_sortuniq
ratio 'dm-dedup --near / numpy' dedup_near dedup_numpy 20
