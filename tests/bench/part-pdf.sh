# part-pdf.sh - the dm-scan --extract rows on PDF of make bench, sourced by run.sh
#
# A folder of 120 PDFs, made once with groff from the demo corpus's text
# files (each set as a document of a few pages), read by dm-scan --extract
# (whole documents, and one sample a page) against pdftotext, the
# poppler-utils command, run once a file.  Both use the same poppler; dm
# adds a child process a document, the joining of lines, and the JSON.
# MB/s counts the bytes of the PDFs, and is small: the ratios below are
# of the seconds; the ratio column (against cat of the corpus) means
# nothing here.

echo
echo 'dm-scan --extract: 120 PDFs made by groff'
echo
row command seconds MB/s ratio runs
row ------- ------- ---- ----- ----

pdf_dir=$data_dir/pdf
if ! command -v groff >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
	row "bin/dm-scan --extract $pdf_dir" "not installed (groff, poppler-utils)"
else
	pdf_stamp="n=120 corpus=$(cat share/dm/corpus/text/*.txt | cksum | cut -d' ' -f1)"
	if [ ! -f "$data_dir/pdf.stamp" ] ||
	    [ "$(cat "$data_dir/pdf.stamp")" != "$pdf_stamp" ]; then
		echo "dm bench: making the PDFs in $pdf_dir" >&2
		rm -rf "$pdf_dir"
		mkdir -p "$pdf_dir"
		pdf_i=0
		while [ "$pdf_i" -lt 120 ]; do
			for pdf_f in share/dm/corpus/text/*.txt; do
				[ "$pdf_i" -lt 120 ] || break
				# groff's requests and escapes in the text made plain
				{
					echo '.ll 6i'
					sed 's/\\/\\e/g; s/^[.'"'"']/\\\&&/' "$pdf_f"
				} | groff -Tpdf >"$pdf_dir/$pdf_i.pdf" 2>/dev/null
				pdf_i=$((pdf_i + 1))
			done
		done
		echo "$pdf_stamp" >"$data_dir/pdf.stamp"
	fi
	pdf_saved=$bytes
	bytes=$(cat "$pdf_dir"/*.pdf | wc -c | tr -d ' ')
	# bench leaves the best time of its command in b_best
	b_best=
	bench pdf_pdftotext "for f in $pdf_dir/*.pdf; do pdftotext -q \"\$f\" -; done"
	pdf_t_ref=$b_best b_best=
	bench pdf_dm "bin/dm-scan --extract $pdf_dir"
	pdf_t_dm=$b_best b_best=
	bench pdf_dm_pages "bin/dm-scan --extract --pdf-pages $pdf_dir"
	pdf_t_pages=$b_best
	bytes=$pdf_saved
fi

# pdf_ratio LABEL SECONDS PEER_SECONDS: how many times faster.
pdf_ratio() {
	awk -v label="$1" -v a="$2" -v b="$3" 'BEGIN {
		if (a == "" || b == "")
			printf "  %-28s %s\n", label, "n/a"
		else
			printf "  %-28s %8.2fx\n", label, b / a
	}'
}

echo
echo 'ratios (of the seconds):'
pdf_ratio 'dm-scan --extract / pdftotext' "${pdf_t_dm:-}" "${pdf_t_ref:-}"
pdf_ratio '--pdf-pages / pdftotext' "${pdf_t_pages:-}" "${pdf_t_ref:-}"
