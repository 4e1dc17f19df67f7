/* gen.c - writes a deterministic JSONL corpus for dm's benchmarks */

/*
 * usage: gen MB > bench.jsonl
 *
 * Writes complete lines until at least MB * 10^6 bytes are out, each
 *
 *	{"id":"doc-000001","meta":{"lang":"en","source":"web","n":123},"text":"..."}
 *
 * The corpus is meant to cost what scraped web text costs: mostly English
 * prose with capitals and punctuation, some URLs, e-mail addresses, phone
 * numbers and HTML, some accented, Cyrillic and CJK text and emoji,
 * paragraphs separated by blank lines, quotes and backslashes that must
 * be escaped, and a few documents written by an encoder that escapes
 * everything outside ASCII as \uXXXX.  Lengths run from about 50 bytes
 * to about 20 KB, most documents between 500 bytes and 5 KB.
 *
 * The output depends on MB alone: the random numbers come from a fixed
 * seed, and only integer arithmetic is used (no libm, whose last bits
 * differ between systems), so every machine writes the same bytes and a
 * smaller corpus is a prefix of a larger one.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct buf {
	char	*p;
	size_t	 len, cap;
};

static uint64_t rng_state = 0x646d2d62656e6368ULL;	/* "dm-bench" */

/* splitmix64: tiny, fast, and good enough to make text look random */
static uint64_t
rng(void)
{
	uint64_t z;

	z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n); the modulo bias is far below anything measurable. */
static unsigned
rnd(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

/* True with probability n per mille. */
static int
chance(unsigned n)
{
	return rnd(1000) < n;
}

#define PICK(a)	((a)[rnd(LEN(a))])

static void
buf_grow(struct buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->len + n > b->cap)
		b->cap = b->cap ? b->cap * 2 : 1 << 16;
	if ((b->p = realloc(b->p, b->cap)) == NULL) {
		perror("gen");
		exit(1);
	}
}

static void
buf_putc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->p[b->len++] = (char)c;
}

static void
buf_puts(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	buf_grow(b, 256);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		fprintf(stderr, "gen: formatted string too long\n");
		exit(1);
	}
	b->len += (size_t)n;
}

static void
buf_putcp(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_putc(b, 0xc0 | cp >> 6);
		buf_putc(b, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		buf_putc(b, 0xe0 | cp >> 12);
		buf_putc(b, 0x80 | (cp >> 6 & 0x3f));
		buf_putc(b, 0x80 | (cp & 0x3f));
	} else {
		buf_putc(b, 0xf0 | cp >> 18);
		buf_putc(b, 0x80 | (cp >> 12 & 0x3f));
		buf_putc(b, 0x80 | (cp >> 6 & 0x3f));
		buf_putc(b, 0x80 | (cp & 0x3f));
	}
}

/* Appends s with its first letter upper-cased (ASCII, Latin-1, Cyrillic). */
static void
buf_putcap(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp;
	int n;

	if (u[0] >= 'a' && u[0] <= 'z') {
		buf_putc(b, u[0] - 'a' + 'A');
		buf_puts(b, s + 1);
		return;
	}
	if ((u[0] & 0xe0) != 0xc0) {
		buf_puts(b, s);
		return;
	}
	cp = (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
	n = 2;
	if ((cp >= 0xe0 && cp <= 0xfe && cp != 0xf7) ||
	    (cp >= 0x430 && cp <= 0x44f))
		cp -= 0x20;
	buf_putcp(b, cp);
	buf_puts(b, s + n);
}

static const char *en_words[] = {
	"the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as",
	"was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
	"his", "from", "at", "which", "but", "have", "an", "had", "they",
	"you", "were", "their", "one", "all", "we", "can", "her", "has",
	"there", "been", "if", "more", "when", "will", "would", "who", "so",
	"no", "she", "other", "its", "may", "these", "about", "than", "into",
	"some", "could", "them", "only", "time", "new", "people", "two",
	"first", "also", "after", "what", "many", "most", "made", "over",
	"such", "like", "through", "where", "before", "between", "should",
	"each", "because", "those", "both", "while", "during", "under",
	"world", "year", "years", "state", "government", "system", "company",
	"market", "service", "information", "data", "water", "school",
	"research", "family", "history", "program", "number", "public",
	"development", "community", "business", "country", "health",
	"example", "question", "problem", "result", "process", "project",
	"different", "important", "large", "small", "local", "national",
	"general", "available", "possible", "however", "therefore", "often",
	"usually", "recently", "probably", "actually", "especially",
	"continue", "provide", "include", "consider", "develop", "support",
	"change", "follow", "report", "understand", "describe", "increase",
	"remember", "decide", "explain", "receive", "produce", "suggest",
	"city", "river", "mountain", "morning", "evening", "weather", "house",
	"garden", "window", "kitchen", "library", "station", "island",
	"coffee", "music", "picture", "language", "software", "computer",
	"network", "server", "website", "database", "algorithm", "function",
	"customer", "product", "price", "quality", "delivery", "order",
	"team", "season", "game", "player", "score", "match", "election",
	"policy", "energy", "climate", "science", "student", "teacher",
	"university", "hospital", "doctor", "patient", "treatment", "study",
	"quickly", "slowly", "carefully", "simply", "clearly", "finally",
	"good", "great", "best", "better", "old", "young", "long", "short",
	"high", "low", "early", "late", "easy", "hard", "free", "open",
	"said", "says", "told", "asked", "went", "came", "took", "found",
	"gave", "knew", "thought", "looked", "wanted", "seemed", "felt",
	"really", "just", "very", "still", "even", "well", "back", "never",
	"always", "sometimes", "already", "almost", "enough", "perhaps",
	"nothing", "something", "everything", "anyone", "someone", "itself",
	"without", "within", "against", "across", "around", "toward",
	"although", "unless", "whether", "until", "since", "though",
};

static const char *en_names[] = {
	"London", "Paris", "Berlin", "Tokyo", "Chicago", "California", "Texas",
	"Europe", "Africa", "Asia", "America", "Canada", "Australia", "India",
	"China", "Japan", "Germany", "France", "Spain", "Italy", "Brazil",
	"John", "Mary", "David", "Sarah", "Michael", "Emma", "James", "Anna",
	"Robert", "Linda", "Thomas", "Laura", "Smith", "Johnson", "Williams",
	"Brown", "Miller", "Wilson", "Taylor", "Anderson", "Monday",
	"Tuesday", "Friday", "Sunday", "January", "March", "June", "October",
	"December", "Google", "Microsoft", "Amazon", "Apple", "Linux",
	"Python", "Wikipedia", "English", "Christmas", "Parliament",
};

static const char *en_acronyms[] = {
	"USA", "UK", "EU", "NASA", "CEO", "API", "HTML", "JSON", "URL", "PDF",
	"FAQ", "GDP", "UN", "NHS", "FBI", "CPU", "GPU", "USB", "AI", "TV",
};

/* Loanwords and names an English text borrows with their accents. */
static const char *en_accented[] = {
	"café", "naïve", "résumé", "façade", "déjà vu", "Zürich", "São Paulo",
	"Ångström", "piñata", "jalapeño", "Málaga", "Kraków", "Dvořák",
	"Gödel", "Nürnberg", "crème brûlée", "fiancée", "coöperate",
};

static const char *fr_words[] = {
	"le", "la", "les", "de", "des", "du", "et", "à", "un", "une", "est",
	"été", "être", "avoir", "pour", "dans", "sur", "avec", "par", "plus",
	"très", "où", "déjà", "après", "même", "français", "élève", "café",
	"fenêtre", "forêt", "hôpital", "château", "théâtre", "génération",
	"développement", "société", "qualité", "sécurité", "année", "première",
	"deuxième", "ça", "garçon", "leçon", "reçu", "noël", "naïf", "maïs",
	"cœur", "sœur", "œuvre", "côté", "âge", "goût", "août", "ville",
	"pays", "temps", "monde", "travail", "maison", "enfant", "ouvert",
};

static const char *de_words[] = {
	"der", "die", "das", "und", "ist", "nicht", "mit", "für", "über",
	"auf", "auch", "wird", "würde", "können", "müssen", "größer", "schön",
	"früher", "später", "natürlich", "möglich", "während", "zurück",
	"Straße", "Mädchen", "Größe", "Übersetzung", "Bücher", "Ärzte",
	"Öffentlichkeit", "Gemüse", "Frühstück", "Stadt", "Haus", "Jahr",
	"Zeit", "Welt", "Regierung", "Entwicklung", "Unternehmen", "heißt",
	"weiß", "groß", "Fußball", "Käse", "Mühe", "Tür", "fünf", "zwölf",
	"daß", "dass", "schließlich", "gegenüber", "Universität", "Grüße",
};

static const char *es_words[] = {
	"el", "la", "los", "las", "de", "y", "en", "que", "por", "con", "para",
	"una", "está", "también", "más", "así", "después", "través", "según",
	"año", "años", "niño", "niña", "señor", "señora", "mañana", "español",
	"compañía", "montaña", "pequeño", "información", "educación", "nación",
	"política", "música", "público", "último", "página", "teléfono",
	"árbol", "corazón", "canción", "jardín", "aquí", "allí", "ciudad",
	"país", "tiempo", "mundo", "trabajo", "casa", "agua", "¿qué", "¡hola",
};

static const char *ru_words[] = {
	"и", "в", "не", "на", "что", "он", "с", "как", "это", "по", "но",
	"они", "мы", "был", "было", "быть", "год", "время", "человек", "дело",
	"жизнь", "день", "рука", "работа", "слово", "место", "вопрос", "страна",
	"город", "мир", "дом", "система", "компания", "развитие", "история",
	"россия", "москва", "большой", "новый", "хороший", "первый", "ещё",
	"уже", "очень", "потом", "сейчас", "всегда", "язык", "данные",
};

/* Common Chinese characters, also used as kanji. */
static const char cjk_han[] =
	"的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下"
	"以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作"
	"当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分"
	"将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定"
	"女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平"
	"真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比"
	"住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反"
	"合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它"
	"许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指";

static const char *ko_syllables[] = {
	"한", "국", "어", "사", "람", "대", "학", "교", "시", "간", "의", "를",
	"은", "는", "이", "가", "에", "서", "다", "고", "하", "지", "만", "로",
	"도", "정", "부", "회", "문", "화", "세", "계", "경", "제", "발", "전",
};

static const char *emoji[] = {
	"😀", "😂", "🙂", "😉", "😍", "🤔", "😢", "😡", "👍", "👎", "👏", "🙏",
	"🎉", "🔥", "🚀", "💡", "✅", "❌", "⭐", "❤️", "💯", "📷", "🌍", "☕",
	"👩‍💻", "👨‍👩‍👧", "🇫🇷", "🇯🇵", "🏳️‍🌈", "👍🏽",
};

static const char *tlds[] = {
	"com", "org", "net", "edu", "io", "co.uk", "de", "fr", "gov",
};

static const char *url_words[] = {
	"news", "blog", "docs", "wiki", "shop", "forum", "article", "products",
	"help", "about", "search", "images", "archive", "2019", "2021", "2023",
};

static const char *html_inline[] = {
	"<br>", "<br/>", "&amp;", "&nbsp;", "&quot;", "&lt;", "&gt;", "&#39;",
	"&copy;", "<hr>", "&mdash;", "&eacute;",
};

static const char *code_lines[] = {
	"if (err != NULL) {\n\tfprintf(stderr, \"error: %s\\n\", err);\n\treturn -1;\n}",
	"for (i = 0; i < n; i++)\n\tsum += a[i];",
	"$ grep -E '\\d{3}-\\d{4}' \"C:\\Users\\Admin\\notes.txt\"",
	"path = \"C:\\\\Program Files\\\\dm\\\\bin\"",
	"def main():\n    print(\"Hello, World!\")\n    return 0",
	"SELECT id, name FROM users WHERE email LIKE '%@example.com';",
	"{\"name\": \"dm\", \"version\": \"1.0\", \"tags\": [\"a\", \"b\"]}",
	"re.sub(r\"\\s+\", \" \", text)",
	"echo \"$HOME\" | sed 's/\\//\\\\/g'",
	"<div class=\"content\" id=\"main\">\n  <p>Loading&hellip;</p>\n</div>",
	"const x = `${a}\\t${b}`;",
	"printf '%s\\n' \"$@\"",
};

enum lang { EN, FR, DE, ES, RU, ZH, JA, KO };

static const struct {
	const char	 *name;
	unsigned	  weight;
	const char	**words;
	unsigned	  nwords;
} langs[] = {
	[EN] = { "en", 800, en_words, LEN(en_words) },
	[FR] = { "fr", 40, fr_words, LEN(fr_words) },
	[DE] = { "de", 40, de_words, LEN(de_words) },
	[ES] = { "es", 30, es_words, LEN(es_words) },
	[RU] = { "ru", 30, ru_words, LEN(ru_words) },
	[ZH] = { "zh", 30, NULL, 0 },
	[JA] = { "ja", 20, NULL, 0 },
	[KO] = { "ko", 10, NULL, 0 },
};

enum source { WEB, WIKI, NEWS, BOOKS, FORUM, CODE };

static const struct {
	const char	*name;
	unsigned	 weight;
} sources[] = {
	[WEB] = { "web", 450 }, [WIKI] = { "wiki", 150 },
	[NEWS] = { "news", 120 }, [BOOKS] = { "books", 100 },
	[FORUM] = { "forum", 130 }, [CODE] = { "code", 50 },
};

/* Document lengths in bytes of text: a long tail over a few KB. */
static const struct {
	unsigned	weight, lo, hi;
} lengths[] = {
	{ 100, 50, 200 }, { 150, 200, 500 }, { 200, 500, 1000 },
	{ 200, 1000, 2000 }, { 200, 2000, 5000 }, { 100, 5000, 10000 },
	{ 50, 10000, 20000 },
};

/* Picks an index of a table of weights in per mille. */
#define WEIGHTED(t, out) do {						\
	unsigned r_ = rnd(1000), i_;					\
	for (i_ = 0; i_ < LEN(t) - 1 && r_ >= (t)[i_].weight; i_++)	\
		r_ -= (t)[i_].weight;					\
	(out) = i_;							\
} while (0)

static void
put_url(struct buf *b)
{
	unsigned i, n;

	buf_puts(b, chance(800) ? "https://" : "http://");
	if (chance(500))
		buf_puts(b, "www.");
	buf_printf(b, "%s%u.%s", PICK(url_words), rnd(100), PICK(tlds));
	for (n = rnd(4), i = 0; i < n; i++)
		buf_printf(b, "/%s", PICK(url_words));
	if (chance(300))
		buf_printf(b, "/page-%u.html", rnd(10000));
	if (chance(200))
		buf_printf(b, "?id=%u&ref=%s", rnd(100000), PICK(url_words));
}

static void
put_email(struct buf *b)
{
	buf_printf(b, "%s.%s%u@%s.%s", PICK(en_names), PICK(en_names),
	    rnd(100), PICK(url_words), PICK(tlds));
}

static void
put_phone(struct buf *b)
{
	switch (rnd(4)) {
	case 0:
		buf_printf(b, "%03u-%03u-%04u", 200 + rnd(800), rnd(1000),
		    rnd(10000));
		break;
	case 1:
		buf_printf(b, "(%03u) %03u-%04u", 200 + rnd(800), rnd(1000),
		    rnd(10000));
		break;
	case 2:
		buf_printf(b, "+44 20 %04u %04u", rnd(10000), rnd(10000));
		break;
	default:
		buf_printf(b, "+33 1 %02u %02u %02u %02u", rnd(100), rnd(100),
		    rnd(100), rnd(100));
		break;
	}
}

static void
put_number(struct buf *b)
{
	switch (rnd(5)) {
	case 0:
		buf_printf(b, "%u", 1900 + rnd(125));
		break;
	case 1:
		buf_printf(b, "$%u,%03u.%02u", 1 + rnd(99), rnd(1000),
		    rnd(100));
		break;
	case 2:
		buf_printf(b, "%u%%", rnd(101));
		break;
	case 3:
		buf_printf(b, "%u.%u", rnd(1000), rnd(10));
		break;
	default:
		buf_printf(b, "%u", rnd(10000));
		break;
	}
}

/* One word-sized item of a sentence in a Latin or Cyrillic script. */
static void
put_word(struct buf *b, enum lang lang, enum source src, int first)
{
	const char *w = langs[lang].words[rnd(langs[lang].nwords)];
	unsigned r = rnd(1000);

	if (r < 40 && lang == EN) {
		buf_puts(b, PICK(en_names));
		return;
	}
	if (r < 50 && lang == EN && !first) {
		buf_puts(b, PICK(en_acronyms));
		return;
	}
	if (r < 80 && !first) {
		put_number(b);
		return;
	}
	if (r < 84 && !first) {
		put_url(b);
		return;
	}
	if (r < 86 && !first) {
		put_email(b);
		return;
	}
	if (r < 88 && !first) {
		put_phone(b);
		return;
	}
	if (r < (src == FORUM ? 110u : 91u) && !first) {
		buf_puts(b, PICK(emoji));
		return;
	}
	if (r < (src == WEB ? 120u : 95u) && !first) {
		switch (rnd(3)) {
		case 0:
			buf_printf(b, "<b>%s</b>", w);
			break;
		case 1:
			buf_puts(b, "<a href=\"");
			put_url(b);
			buf_printf(b, "\">%s</a>", w);
			break;
		default:
			buf_puts(b, PICK(html_inline));
			break;
		}
		return;
	}
	if (r < 130 && lang == EN) {
		w = PICK(en_accented);
	} else if (r < 140 && !first) {
		/* A quoted phrase, the most common source of \" in JSON. */
		buf_printf(b, "\"%s %s\"", w,
		    langs[lang].words[rnd(langs[lang].nwords)]);
		return;
	} else if (r < 150 && !first) {
		buf_printf(b, "(%s)", w);
		return;
	}
	if (first)
		buf_putcap(b, w);
	else
		buf_puts(b, w);
}

static void
put_sentence(struct buf *b, enum lang lang, enum source src)
{
	static const char *ends[] = {
		".", ".", ".", ".", ".", ".", ".", ".", ".", ".", ".", ".",
		".", ".", ".", "?", "?", "!", "...", ":",
	};
	static const char *cjk_ends[] = { "。", "。", "。", "！", "？" };
	unsigned i, n, j, m;

	switch (lang) {
	case ZH:
	case JA:
		n = 8 + rnd(40);
		for (i = 0; i < n; i++) {
			if (i > 0 && chance(60)) {
				buf_puts(b, lang == ZH ? "，" : "、");
			} else if (chance(15)) {
				buf_printf(b, "%u", 1 + rnd(2024));
			} else if (chance(8)) {
				buf_puts(b, PICK(en_names));
			} else if (lang == JA && chance(550)) {
				buf_putcp(b, 0x3041 + rnd(0x53));	/* hiragana */
			} else if (lang == JA && chance(150)) {
				buf_putcp(b, 0x30a1 + rnd(0x56));	/* katakana */
			} else {
				/* Each character of cjk_han is 3 bytes. */
				j = rnd((sizeof(cjk_han) - 1) / 3) * 3;
				buf_grow(b, 3);
				memcpy(b->p + b->len, cjk_han + j, 3);
				b->len += 3;
			}
		}
		buf_puts(b, PICK(cjk_ends));
		return;
	case KO:
		n = 3 + rnd(10);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(b, ' ');
			for (m = 1 + rnd(4), j = 0; j < m; j++)
				buf_puts(b, PICK(ko_syllables));
		}
		buf_puts(b, ".");
		return;
	default:
		break;
	}
	n = 3 + rnd(12) + rnd(12);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		put_word(b, lang, src, i == 0);
		if (i + 1 < n && chance(60))
			buf_putc(b, ',');
		else if (i + 1 < n && chance(4))
			buf_puts(b, " -");
	}
	buf_puts(b, PICK(ends));
}

static void
put_paragraph(struct buf *b, enum lang lang, enum source src)
{
	unsigned i, n;

	if (src == CODE && chance(350)) {
		buf_puts(b, PICK(code_lines));
		return;
	}
	if (src == WIKI && chance(150)) {
		/* A heading: a short line of capitalised words. */
		buf_puts(b, chance(500) ? "== " : "");
		for (n = 1 + rnd(4), i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(b, ' ');
			buf_putcap(b, langs[lang].words ?
			    langs[lang].words[rnd(langs[lang].nwords)] :
			    "Overview");
		}
		return;
	}
	if (src == FORUM && chance(150)) {
		/* A list, one item a line. */
		for (n = 2 + rnd(4), i = 0; i < n; i++) {
			buf_puts(b, i > 0 ? "\n- " : "- ");
			put_sentence(b, lang, src);
		}
		return;
	}
	n = 1 + rnd(6);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(b, lang == ZH || lang == JA ? "" :
			    src == FORUM && chance(100) ? "\n" : " ");
		if (lang != EN && chance(100))
			put_sentence(b, EN, src);	/* code-switching */
		else
			put_sentence(b, lang, src);
	}
	if (chance(20))
		buf_puts(b, "\t");	/* trailing junk from scraping */
}

/* Appends text to out as the contents of a JSON string. */
static void
put_json_string(struct buf *out, const struct buf *text, int ascii)
{
	const unsigned char *s = (const unsigned char *)text->p;
	const unsigned char *end = s + text->len;
	unsigned cp;

	buf_grow(out, text->len * 2 + 16);
	while (s < end) {
		if (*s == '"' || *s == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, *s++);
		} else if (*s == '\n') {
			buf_puts(out, "\\n");
			s++;
		} else if (*s == '\t') {
			buf_puts(out, "\\t");
			s++;
		} else if (*s < 0x20) {
			buf_printf(out, "\\u%04x", *s++);
		} else if (*s == '/' && ascii) {
			buf_puts(out, "\\/");	/* as PHP's json_encode does */
			s++;
		} else if (*s < 0x80 || !ascii) {
			buf_putc(out, *s++);
		} else {
			/* The generator writes only valid UTF-8. */
			if (*s >= 0xf0) {
				cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 |
				    (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
				s += 4;
			} else if (*s >= 0xe0) {
				cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 |
				    (s[2] & 0x3fu);
				s += 3;
			} else {
				cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
				s += 2;
			}
			if (cp >= 0x10000) {
				cp -= 0x10000;
				buf_printf(out, "\\u%04x\\u%04x",
				    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
			} else {
				buf_printf(out, "\\u%04x", cp);
			}
		}
	}
}

static unsigned
count_words(const struct buf *text)
{
	unsigned n = 0;
	size_t i;
	int in = 0;

	for (i = 0; i < text->len; i++) {
		if (text->p[i] == ' ' || text->p[i] == '\n' ||
		    text->p[i] == '\t') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

int
main(int argc, char *argv[])
{
	struct buf out = { 0 }, text = { 0 };
	unsigned long long target, written = 0;
	unsigned long id = 0;
	unsigned i, lang, src, len;
	char *end;
	long mb;

	if (argc != 2) {
		fprintf(stderr, "usage: gen MB\n");
		return 2;
	}
	errno = 0;
	mb = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || mb < 1 || mb > 1000000) {
		fprintf(stderr, "gen: MB is not a number from 1 to 1000000: "
		    "'%s'\n", argv[1]);
		return 2;
	}
	target = (unsigned long long)mb * 1000000;

	while (written + out.len < target) {
		WEIGHTED(langs, lang);
		WEIGHTED(sources, src);
		WEIGHTED(lengths, i);
		len = lengths[i].lo + rnd(lengths[i].hi - lengths[i].lo);

		text.len = 0;
		while (text.len < len) {
			if (text.len > 0)
				buf_puts(&text, "\n\n");
			put_paragraph(&text, lang, src);
		}

		buf_printf(&out, "{\"id\":\"doc-%06lu\",\"meta\":{\"lang\":\"%s\","
		    "\"source\":\"%s\",\"n\":%u},\"text\":\"", ++id,
		    langs[lang].name, sources[src].name, count_words(&text));
		put_json_string(&out, &text, chance(30));
		buf_puts(&out, "\"}\n");

		if (out.len >= 1 << 20) {
			if (fwrite(out.p, 1, out.len, stdout) != out.len)
				break;
			written += out.len;
			out.len = 0;
		}
	}
	if (out.len > 0)
		fwrite(out.p, 1, out.len, stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("gen: write error");
		return 1;
	}
	return 0;
}
