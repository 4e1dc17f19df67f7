# part-run.sh - the dm-run rows of make bench, sourced by run.sh
