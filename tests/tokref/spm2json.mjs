// spm2json.mjs - a tokenizer.json made from a SentencePiece Unigram .model
// as transformers' converter (SpmConverter) makes it: the pieces and
// scores, the normalizer's precompiled_charsmap, Metaspace. FORM "t5"
// gives the older form of T5's files on the Hub (Precompiled alone, then
// WhitespaceSplit and Metaspace with add_prefix_space).
// Usage: node spm2json.mjs MODEL [t5] > tokenizer.json
import { readFileSync } from "node:fs";

function* fields(buf) {
	let i = 0;
	const varint = () => {
		let v = 0n, s = 0n;
		for (;;) {
			const b = buf[i++];
			v |= BigInt(b & 0x7f) << s;
			s += 7n;
			if (b < 0x80)
				return v;
		}
	};
	while (i < buf.length) {
		const key = Number(varint()), f = key >> 3, w = key & 7;
		if (w === 0)
			yield [f, varint()];
		else if (w === 2) {
			const n = Number(varint());
			yield [f, buf.subarray(i, i + n)];
			i += n;
		} else if (w === 5) {
			yield [f, buf.readFloatLE(i)];
			i += 4;
		} else if (w === 1) {
			yield [f, buf.readDoubleLE(i)];
			i += 8;
		} else
			throw new Error(`wire type ${w}`);
	}
}

const buf = readFileSync(process.argv[2]);
const form = process.argv[3] || "";
const pieces = [];
let charsmap = Buffer.alloc(0), unkId = 0, byteFallback = false;
for (const [f, v] of fields(buf)) {
	if (f === 1) {
		const p = { piece: "", score: 0, type: 1 };
		for (const [g, u] of fields(v)) {
			if (g === 1) p.piece = Buffer.from(u).toString("utf8");
			else if (g === 2) p.score = u;
			else if (g === 3) p.type = Number(u);
		}
		pieces.push(p);
	} else if (f === 2) {
		for (const [g, u] of fields(v)) {
			if (g === 35) byteFallback = u !== 0n;
			else if (g === 40) unkId = Number(u);
		}
	} else if (f === 3) {
		for (const [g, u] of fields(v))
			if (g === 2) charsmap = Buffer.from(u);
	}
}
const added = [];
pieces.forEach((p, id) => {
	if (p.type === 2 || p.type === 3)
		added.push({ id, content: p.piece, single_word: false, lstrip: false,
			rstrip: false, normalized: false, special: true });
});
const precompiled = { type: "Precompiled", precompiled_charsmap: charsmap.toString("base64") };
const t5 = form === "t5";
const json = {
	version: "1.0",
	truncation: null,
	padding: null,
	added_tokens: added,
	normalizer: t5 ? precompiled : { type: "Sequence", normalizers: [precompiled,
		{ type: "Strip", strip_left: false, strip_right: true },
		{ type: "Replace", pattern: { Regex: " {2,}" }, content: "\u2581" }] },
	pre_tokenizer: t5 ? { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" },
		{ type: "Metaspace", replacement: "\u2581", add_prefix_space: true }] } :
		{ type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true },
	post_processor: null,
	decoder: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true },
	model: { type: "Unigram", unk_id: unkId, vocab: pieces.map((p) => [p.piece, p.score]),
		byte_fallback: byteFallback },
};
process.stdout.write(JSON.stringify(json) + "\n");
