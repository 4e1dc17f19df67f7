// count.mjs - the reference token counts: a tokenizer.json (and the
// tokenizer_config.json beside it, when there is one) through
// @lenml/tokenizers (transformers.js's tokenizers), one count per JSONL
// sample of stdin, special tokens not added.
// Usage: node count.mjs DIR|FILE.json < samples.jsonl
import { existsSync, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { TokenizerLoader } from "@lenml/tokenizers";

const arg = process.argv[2];
const file = statSync(arg).isDirectory() ? `${arg}/tokenizer.json` : arg;
const config = file.replace(/[^/]*$/, "tokenizer_config.json");
const tok = TokenizerLoader.fromPreTrained({
	tokenizerJSON: JSON.parse(readFileSync(file, "utf8")),
	tokenizerConfig: existsSync(config) ? JSON.parse(readFileSync(config, "utf8")) : {},
});
const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity }))
	out.push(tok.encode(JSON.parse(line).text, { add_special_tokens: false }).length);
process.stdout.write(out.join("\n") + "\n");
