# part-llm.sh - the dm-llm rows of make bench, sourced by run.sh
