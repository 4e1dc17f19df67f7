# part-scan.sh - the dm-scan rows of make bench, sourced by run.sh
#
# dm-scan over a large real source tarball against the decompression limit,
# tar -xJOf of the same archive to /dev/null (the issue's target: dm-scan
# at least 1/1.3 = 0.77 of tar's speed); and dm-scan over the same tree
# unpacked against find -exec cat.  The tarball is Debian's linux-source-6.1
# (/usr/src/linux-source-6.1.tar.xz, about 140 MB of xz, 1.4 GB of files),
# installed with apt-get when it is missing; the tree is unpacked once into
# $data_dir/linux.  The whole kernel is scanned (about 10 s a run here), so
# the rows keep run.sh's runs and budget.
#
# The commands ignore the corpus that bench feeds on stdin.  MB/s counts
# the uncompressed bytes of the tarball, and the bytes of the files of the
# tree, so bytes is set for these rows and put back after them; the ratio
# column (against cat of the corpus) means nothing here.

echo
echo 'dm-scan: a large source tarball (linux-source-6.1) and its tree'
echo
row command seconds MB/s ratio runs
row ------- ------- ---- ----- ----

scan_tar=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$scan_tar" ] && command -v apt-get >/dev/null 2>&1; then
	scan_sudo=
	[ "$(id -u)" = 0 ] || scan_sudo=sudo
	echo "dm bench: installing linux-source-6.1 for the dm-scan rows" >&2
	$scan_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends linux-source-6.1 >/dev/null 2>&1 ||
	    { $scan_sudo apt-get update >/dev/null 2>&1 &&
	    $scan_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends linux-source-6.1 >/dev/null 2>&1; } || :
fi

if [ ! -f "$scan_tar" ]; then
	row "dm-scan $scan_tar" "not installed (apt-get install linux-source-6.1)"
else
	scan_saved=$bytes
	# The uncompressed size and the unpacked tree are made once; the
	# stamp names the tarball's size, so a new kernel makes them again.
	scan_stamp="$(wc -c <"$scan_tar" | tr -d ' ')"
	if [ ! -f "$data_dir/linux.stamp" ] ||
	    [ "$(sed -n 1p "$data_dir/linux.stamp")" != "$scan_stamp" ]; then
		echo "dm bench: unpacking $scan_tar into $data_dir/linux" >&2
		rm -rf "$data_dir/linux" "$data_dir/linux.stamp"
		mkdir -p "$data_dir/linux"
		tar -xJf "$scan_tar" -C "$data_dir/linux"
		{
			echo "$scan_stamp"
			xz -dc "$scan_tar" | wc -c | tr -d ' '
			find "$data_dir/linux" -type f -exec cat {} + | wc -c | tr -d ' '
		} >"$data_dir/linux.stamp"
	fi
	bytes=$(sed -n 2p "$data_dir/linux.stamp")
	bench scan_tarxz "tar -xJOf $scan_tar"
	bench scan_dm_tarxz "bin/dm-scan $scan_tar"
	bytes=$(sed -n 3p "$data_dir/linux.stamp")
	bench scan_find "find $data_dir/linux -type f -exec cat {} +"
	# --hidden: find reads the dot files too
	bench scan_dm_tree "bin/dm-scan --hidden $data_dir/linux"
	bytes=$scan_saved
fi

echo
echo 'ratios:'
ratio 'dm-scan tar.xz / tar -xJOf' scan_dm_tarxz scan_tarxz 0.77
ratio 'dm-scan tree / find -exec cat' scan_dm_tree scan_find
