#!/usr/bin/python3
# mkftfy-cases.py - record ftfy's fix_text on the test cases of fix-unicode
#
# usage: /usr/bin/python3 tests/mkftfy-cases.py FTFY_CHECKOUT >tests/fixtures/ftfy-cases.jsonl
#
# FTFY_CHECKOUT is a checkout of github.com/rspeer/python-ftfy (its only
# dependency is wcwidth, Debian's python3-wcwidth). Each output line is
# {"text": input, "ftfy": fix_text(input), "steps": "chars" | "encoding" |
# "html"}: "chars" when fix_text with fix_encoding and unescape_html turned
# off gives the same result, "encoding" when only unescape_html off does,
# "html" when unescape_html matters.
import json
import sys

sys.path.insert(0, sys.argv[1])
import ftfy  # noqa: E402

CASES = [
    # fix_c1_controls: C1 controls as Windows-1252
    "\x93quoted\x94 and \x85 and \x80 5",
    "undefined \x81 \x8d \x8f \x90 \x9d stay",
    # fix_latin_ligatures
    "\ufb01ne \ufb02ow \ufb00 \ufb03 \ufb04 \ufb05 \ufb06 \u0132 \u0133",
    "\u01c4 \u01c5 \u01c6 \u01c7 \u01c8 \u01c9 \u01ca \u01cb \u01cc \u01f1 \u01f2 \u01f3 \u0149",
    "\u00e6 \u0153 stay",
    # fix_character_width
    "\uff2c\uff2f\uff35\uff24 \uff4e\uff4f\uff49\uff53\uff45\uff53\uff01",
    "\uff73\uff9e \uff76\uff9e\uff70 \uffe0 \uffe3 \uffe8 \u3000space",
    # uncurl_quotes
    "\u201chere\u2019s a test\u201d \u2018x\u2019 \u201a \u201b \u201e \u201f \u02bc",
    # fix_line_breaks
    "a\r\nb\rc\u2028d\u2029e\x85f",
    "Content-type: text/plain\r\n\r\nHi.",
    # remove_terminal_escapes
    "\x1b[36;44mI'm blue\x1b[0m and \x1b[1mbold\x1b[m",
    "\x1b[\u0663\u0664mArabic digits\x1b[2J",
    "not an escape \x1b[12 and \x1b]0;title",
    # remove_control_chars
    "nul\x00 bell\x07 vt\x0b ff\x0c so\x0e del\x7f \u206a\u206f \ufeffbom \ufff9\ufffa\ufffb\ufffc end",
    "tab\tnl\ncr kept \u200d\u200c\u200e\u202a\u202e joiners",
    # normalization
    "Cafe\u0301 A\u030a \u212b e\u0323\u0302",
    "\u2460 \u00bd \u2126 stay in NFC",
    # several at once
    "\x93\ufb01\x94 \uff21\u2019s\r\n\x1b[0m\x00",
    "plain ASCII text stays",
    "",
    # mojibake: fix_encoding
    "s\u00c3\u00b3",
    "voil\u00c3 le travail",
    "\u00e2\u0080\u009cquoted\u00e2\u0080\u009d",
    "\u00e2\u20ac\u0153mojibake\u00e2\u20ac\ufffd",
    "\u00d0\u00bf\u00d1\u0080\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u0082",
    "caf\u00c3\u00a9 cr\u00c3\u00a8me br\u00c3\u00bbl\u00c3\u00a9e",
    "l\u00e2\u20ac\u2122h\u00c3\u00b4tel \u00e2\u20ac\u201d a dash",
    "\u00e2\u0153\u201d check, \u00f0\u0178\u02dc\u20ac emoji",
    "Ã  la carte, Ã  bientôt",
    "voil\u00c3\u00a0 line one\nplain line two\nna\u00c3\u00afve three",
    "mixed: caf\u00c3\u00a9 and real caf\u00e9",
    "\u00c3\u00a9t\u00c3\u00a9 \u00e2\u0080\u0094 C1 mojibake",
    "\u00e2\u20ac\u0153smart quotes\u00e2\u20ac\ufffd lost",
    "\u00d0\u00a0\u00d1\u0192\u00d1\u0081\u00d1\u0081\u00d0\u00ba\u00d0\u00b8\u00d0\u00b9",
    "\u0432\u0402\u045a\u0420\u045f\u0421\u0402\u0420\u0451\u0432\u0402\u045c",
    "\u00ce\u00b1\u00ce\u00b2\u00ce\u00b3 Greek",
    "\u221a\u00a9 MacRoman \u221a\u00b1",
    "double: \u00c3\u0192\u00c2\u00a9",
    "latin-1 C1 \u0080 \u0099 in text with \u00e9",
    "Windows-1252 read right: \u00e9\u00e8 \u201cfine\u201d",
    "\u00e2\u20ac\u00a6 ellipsis and \u00c2\u00a3 pound and \u00c2\u00b0C",
    "na\u00efve \u00fcber \u00e7a va",
    "\u00e6\u2014\u00a5\u00e6\u0153\u00ac\u00e8\u00aa\u017e",
    # HTML entities: unescape_html, which dm does not do
    "&lt;tag&gt; &amp; &eacute;",
    "P&EACUTE;REZ",
    "&#x41;&#65;&#0;&#128;&#150;&#x110000;&#xD800;&#65a;&#1; &#x; &ampx; &amp",
    "&nTILDE; &NTILDE; &Ntilde; &ntilde; &NotAnEntity; &hellip;&mdash;",
    "line one &amp; two\n<b>&amp;</b> html here\nlater &amp; stays",
    "&Atilde;&copy; mojibake made of entities",
    # escaped twice or more: a pass ends on the text before its unescaping
    "Tom &amp;amp; Jerry",
    "x &amp;lt;b&amp;gt; y",
    "&" + "amp;" * 40 + "quot;deep&amp;amp;#233;",
    # a reference to ';' is kept, as html.unescape gives a ';'
    "a&#59;b&#x3b;c&#X3B;d&#0059;e&#58;f&amp;#59;",
]


def main():
    plain = ftfy.TextFixerConfig(fix_encoding=False, unescape_html=False)
    nohtml = ftfy.TextFixerConfig(unescape_html=False)
    for text in CASES:
        fixed = ftfy.fix_text(text)
        if ftfy.fix_text(text, plain) == fixed:
            steps = "chars"
        elif ftfy.fix_text(text, nohtml) == fixed:
            steps = "encoding"
        else:
            steps = "html"
        print(json.dumps({"text": text, "ftfy": fixed, "steps": steps},
                         ensure_ascii=False))


main()
