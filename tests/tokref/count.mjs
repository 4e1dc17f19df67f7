// count.mjs - the reference token counts: tokenizer.json and its
// tokenizer_config.json through @lenml/tokenizers (transformers.js's
// tokenizers), one count per JSONL sample of stdin, special tokens not added.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { TokenizerLoader } from "@lenml/tokenizers";

const dir = process.argv[2];
const tok = TokenizerLoader.fromPreTrained({
	tokenizerJSON: JSON.parse(readFileSync(`${dir}/tokenizer.json`, "utf8")),
	tokenizerConfig: JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, "utf8")),
});
const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity }))
	out.push(tok.encode(JSON.parse(line).text, { add_special_tokens: false }).length);
process.stdout.write(out.join("\n") + "\n");
