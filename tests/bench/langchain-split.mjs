// langchain-split.mjs - LangChain's RecursiveCharacterTextSplitter (the
// JavaScript package @langchain/textsplitters) over a JSONL file, for make
// bench: the same split as dm-slice --recursive, one chunk a line out.
// Usage: node langchain-split.mjs SIZE OVERLAP < in.jsonl > out.jsonl
import { createInterface } from "node:readline";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";

const [size, overlap] = process.argv.slice(2).map(Number);
const splitter = new RecursiveCharacterTextSplitter({
	chunkSize: size, chunkOverlap: overlap,
});
const out = [];
for await (const line of createInterface({ input: process.stdin })) {
	if (!line.trim())
		continue;
	const sample = JSON.parse(line);
	for (const chunk of await splitter.splitText(sample.text))
		out.push(JSON.stringify({ ...sample, text: chunk }));
	if (out.length > 4096)
		process.stdout.write(out.splice(0).join("\n") + "\n");
}
if (out.length)
	process.stdout.write(out.join("\n") + "\n");
