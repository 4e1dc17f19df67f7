#!/usr/bin/env python3
# decls.py - every function and variable declared in src/*.h is defined
#
# Usage: decls.py [DIR]  (the source tree; default: the current folder)
# Lists each name a header declares (a prototype, an extern variable) that
# no file of src/ or ops/ defines, as "decls: src/x.h:LINE: 'name' is
# declared but never defined", and exits 1 when there is one. Part of
# `make lint`.
import glob
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."


def strip(text):
    """Comments, strings and preprocessor lines as blanks, lines kept."""
    out = []
    i, n = 0, len(text)
    bol = True
    while i < n:
        c = text[i]
        if bol and c == "#" or (bol and text[i:].lstrip(" \t").startswith("#")
                                 and c in " \t"):
            # a preprocessor line, with its continuations
            while i < n:
                if text[i] == "\n" and (i == 0 or text[i - 1] != "\\"):
                    break
                out.append("\n" if text[i] == "\n" else " ")
                i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
            continue
        out.append(c)
        bol = c == "\n" or (bol and c in " \t")
        i += 1
    return "".join(out)


def declarations(path):
    """(line, name) of each prototype and extern variable at file level."""
    text = strip(open(path, encoding="utf-8", errors="replace").read())
    found = []
    depth = externc = 0
    stmt = []
    start = None
    line = 1
    for c in text:
        if c == "\n":
            line += 1
        if c == "{":
            if depth == 0 and re.match(r'^\s*extern\s*"\s*"\s*$',
                                       "".join(stmt)):
                # extern "C" { ... }: its declarations are at file level
                externc += 1
                stmt, start = [], None
                continue
            depth += 1
            continue
        if c == "}":
            if depth == 0 and externc:
                externc -= 1
                continue
            depth -= 1
            if depth == 0:
                # a body (struct, enum, inline function) ends a statement
                # unless a declarator follows ("} name;")
                if re.search(r"\)\s*$", "".join(stmt)):
                    stmt, start = [], None
            continue
        if depth:
            continue
        if c == ";":
            s = " ".join("".join(stmt).split())
            if not s.startswith("typedef") and start is not None:
                m = re.match(r"^[^()]*?\b([A-Za-z_]\w*)\s*\(", s)
                if m and "(*" not in s[:m.end()]:
                    found.append((start, m.group(1)))
                elif s.startswith("extern ") and "(" not in s:
                    v = re.search(r"\b([A-Za-z_]\w*)\s*(\[[^]]*\])*\s*$", s)
                    if v:
                        found.append((start, v.group(1)))
            stmt, start = [], None
            continue
        if start is None and not c.isspace():
            start = line
        stmt.append(c)
    return found


sources = []
for pat in ("src/*.c", "src/*.cc", "src/*.h", "ops/*.c"):
    for p in sorted(glob.glob(os.path.join(root, pat))):
        sources.append(strip(open(p, encoding="utf-8",
                                  errors="replace").read()))
code = "\n".join(sources)

bad = 0
for h in sorted(glob.glob(os.path.join(root, "src/*.h"))):
    for line, name in declarations(h):
        fn = re.compile(r"(?m)^(?:[A-Za-z_][^;{}()\n]*[\s*])?" + re.escape(name) +
                        r"\s*\([^;{]*\)\s*(?:const\s*)?\{")
        var = re.compile(r"(?m)^(?!\s*extern\b)[^;(){}\n]*[\s*]" +
                         re.escape(name) + r"\s*(\[[^]]*\]\s*)*(=|;)")
        if fn.search(code) or var.search(code):
            continue
        print("decls: %s:%d: '%s' is declared but never defined" %
              (os.path.relpath(h, root), line, name))
        bad = 1
sys.exit(bad)
