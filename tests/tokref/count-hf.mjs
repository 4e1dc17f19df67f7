// count-hf.mjs - the reference token counts by Hugging Face's tokenizers
// library itself (its Rust code, as @anush008/tokenizers builds it for
// Node): one count per JSONL sample of stdin, special tokens not added.
// Usage: node count-hf.mjs FILE.json < samples.jsonl
import { createInterface } from "node:readline";
import { createRequire } from "node:module";

const { Tokenizer } = createRequire(import.meta.url)("@anush008/tokenizers");
const tok = Tokenizer.fromFile(process.argv[2]);
const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity }))
	out.push((await tok.encode(JSON.parse(line).text, null, { addSpecialTokens: false })).getIds().length);
process.stdout.write(out.join("\n") + "\n");
