// count-gpt2.mjs - GPT-2's token counts by gpt-3-encoder, a port of
// OpenAI's encoder.py that knows no special tokens: one count per JSONL
// sample of stdin.
import { createInterface } from "node:readline";
import encoder from "gpt-3-encoder";

const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity }))
	out.push(encoder.encode(JSON.parse(line).text).length);
process.stdout.write(out.join("\n") + "\n");
