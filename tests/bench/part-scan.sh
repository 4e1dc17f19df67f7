# part-scan.sh - the dm-scan rows of make bench, sourced by run.sh
