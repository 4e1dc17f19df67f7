#!/usr/bin/env bats
# tour.bats - the tour of README.md runs as written and prints what it shows.
#
# The convention, for whoever adds to the tour: a ```console block right
# after a line
#
#     <!-- tour -->
#
# is run by this test; one without the marker is not (say in the text why:
# it needs an ssh host, a model, a server). In a marked block every line
# that starts with '$ ' is a command, '> ' (or any line after one ending in
# a backslash) continues it, and the lines up to the next command are what
# it prints: its standard output, then its standard error. An `export`
# holds for the commands after it in its block. The blocks run in order, in one folder that looks like
# the top of a built clone (bin/ and share/ are there) after
#
#     cp share/dm/examples/* .
#
# so a block may use the files of share/dm/examples and those that blocks
# before it wrote. Inputs a new block needs go into share/dm/examples.

load helper

@test "every marked block of the README tour prints what the README shows" {
	ln -s "$DM_BINDIR" bin
	ln -s "$DM_REPO/share" share
	cp "$DM_REPO"/share/dm/examples/* .
	python3 - "$DM_REPO/README.md" <<'EOF'
import subprocess, sys

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
blocks, i = [], 0
while i < len(lines):
    if lines[i].strip() == "<!-- tour -->" and i + 1 < len(lines) and \
            lines[i + 1].startswith("```console"):
        j = i + 2
        cmds = []
        while not lines[j].startswith("```"):
            l = lines[j]
            if l.startswith("$ "):
                cmds.append([l[2:], [], j + 1])
            elif l.startswith("> ") and cmds and not cmds[-1][1]:
                cmds[-1][0] += "\n" + l[2:]
            elif cmds and not cmds[-1][1] and cmds[-1][0].endswith("\\"):
                cmds[-1][0] += "\n" + l
            elif cmds:
                cmds[-1][1].append(l)
            j += 1
        blocks.append(cmds)
        i = j
    i += 1
failed = 0
for cmds in blocks:
    exports = ""
    for cmd, want, lineno in cmds:
        p = subprocess.run(["bash", "-c", exports + cmd],
                           capture_output=True, timeout=120)
        if cmd.startswith("export "):
            exports += cmd + "\n"
        got = (p.stdout + p.stderr).decode("utf-8", "replace")
        got = got[:-1] if got.endswith("\n") else got
        if got != "\n".join(want):
            failed += 1
            print("README.md:%d: $ %s\n--- README shows:\n%s\n--- it printed:\n%s\n"
                  % (lineno, cmd, "\n".join(want), got))
n = sum(len(c) for c in blocks)
print("%d blocks, %d commands, %d differ" % (len(blocks), n, failed))
sys.exit(1 if failed or n == 0 else 0)
EOF
}

# The examples of the man pages that run on the demo corpus show real
# output too: in a literal block (.Bd -literal ... .Ed) of man/*.[17], a
# line that starts with '$ ' is a command, continued by the lines after one
# ending in a backslash, and the lines up to the next command are what it
# prints. A block runs when one of its commands reads share/dm/corpus, in a
# folder with bin/ and share/ as at the top of a built clone; the others
# need inputs of their own and are left alone.
@test "every example of a man page on the demo corpus prints what the page shows" {
	ln -s "$DM_BINDIR" bin
	ln -s "$DM_REPO/share" share
	python3 - "$DM_REPO"/man/*.[17] <<'PY'
import re, subprocess, sys

def unescape(l):
    l = re.sub(r"\\\((dq|aq)", lambda m: {"dq": '"', "aq": "'"}[m.group(1)], l)
    return l.replace("\\e", "\\").replace("\\&", "").replace("\\-", "-")

failed = n = 0
for page in sys.argv[1:]:
    lines = open(page, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith(".Bd -literal"):
            i += 1
            continue
        cmds, j = [], i + 1
        while not lines[j].startswith(".Ed"):
            l = unescape(lines[j])
            if cmds and not cmds[-1][1] and cmds[-1][0].endswith("\\"):
                cmds[-1][0] += "\n" + l
            elif l.startswith("$ "):
                cmds.append([l[2:], [], j + 1])
            elif cmds:
                cmds[-1][1].append(l)
            j += 1
        i = j
        if not any("share/dm/corpus" in c for c, _, _ in cmds):
            continue
        for cmd, want, lineno in cmds:
            n += 1
            p = subprocess.run(["bash", "-c", cmd], capture_output=True,
                               timeout=120)
            got = (p.stdout + p.stderr).decode("utf-8", "replace")
            got = got[:-1] if got.endswith("\n") else got
            if got != "\n".join(want):
                failed += 1
                print("%s:%d: $ %s\n--- the page shows:\n%s\n--- it printed:\n%s\n"
                      % (page, lineno, cmd, "\n".join(want), got))
print("%d commands, %d differ" % (n, failed))
sys.exit(1 if failed or n == 0 else 0)
PY
}
