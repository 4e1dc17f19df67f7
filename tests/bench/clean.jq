# clean.jq - jq's nearest equivalent of dm's cleaning chain, for make bench:
# tags, invisible characters, edge white space, a full-width comma, links,
# e-mail addresses (dm: clean-html; remove-invisible; normalize-ws;
# normalize-punct; remove-urls; remove-emails)
.text |= (
	gsub("<[^>]*>"; "")
	| gsub("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\ufeff]"; "")
	| gsub("^\\s+|\\s+$"; "")
	| gsub("，"; ",")
	| gsub("(?i)\\b(https?://|www\\.)\\S+"; "")
	| gsub("[A-Za-z0-9.+_-]+@[a-z0-9.+_-]+\\.[a-z]+"; "")
)
