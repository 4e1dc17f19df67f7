#!/usr/bin/python3
# mkidna.py - write src/idna.h, what IDNA 2008 knows of each code point
#
# usage: /usr/bin/python3 src/mkidna.py >src/idna.h
#
# The data the idna module (Debian's python3-idna 3.3, Unicode 14.0) and
# Python's unicodedata give its check_label: the code points that are
# PVALID, CONTEXTJ or CONTEXTO, each with its bidirectional class, whether
# its combining class is that of a virama (9), whether it is a mark (the
# first of a label may not be), its joining type and, for CONTEXTO's rules,
# whether it is Greek, Hebrew, or Hiragana, Katakana or Han. Code points
# outside the table are DISALLOWED or UNASSIGNED. email_validator calls
# check_label on each label of a domain; ops/anonymize.c uses the table.
import unicodedata

import idna
from idna import idnadata
from idna.intranges import intranges_contain

BIDI = {'L': 'L', 'R': 'RAL', 'AL': 'RAL', 'AN': 'AN', 'EN': 'EN',
        'NSM': 'NSM', 'ES': 'NEUT', 'CS': 'NEUT', 'ET': 'NEUT', 'ON': 'NEUT',
        'BN': 'NEUT'}
JT = {ord('T'): 'T', ord('L'): 'L', ord('D'): 'D', ord('R'): 'R'}


def script(cp):
    for name, tag in (('Greek', 'GREEK'), ('Hebrew', 'HEBREW'),
                      ('Hiragana', 'KANA'), ('Katakana', 'KANA'),
                      ('Han', 'KANA')):
        if intranges_contain(cp, idnadata.scripts[name]):
            return tag
    return None


def flags(cp):
    classes = idnadata.codepoint_classes
    for name in ('PVALID', 'CONTEXTJ', 'CONTEXTO'):
        if intranges_contain(cp, classes[name]):
            break
    else:
        return None
    ch = chr(cp)
    f = ['IDNA_' + name,
         'IDNA_B_' + BIDI.get(unicodedata.bidirectional(ch), 'OTHER')]
    if unicodedata.combining(ch) == 9:
        f.append('IDNA_VIRAMA')
    if unicodedata.category(ch)[0] == 'M':
        f.append('IDNA_MARK')
    if idnadata.joining_types.get(cp) in JT:
        f.append('IDNA_JT_' + JT[idnadata.joining_types[cp]])
    if script(cp):
        f.append('IDNA_' + script(cp))
    return '|'.join(f)


runs = []
for cp in range(0x110000):
    f = flags(cp)
    if f is None:
        continue
    if runs and runs[-1][1] == cp - 1 and runs[-1][2] == f:
        runs[-1][1] = cp
    else:
        runs.append([cp, cp, f])

print('/* idna.h - IDNA 2008 data of idna %s (Unicode %s); made by '
      'src/mkidna.py */' % (idna.__version__, unicodedata.unidata_version))
print('''
enum {
	IDNA_PVALID = 1, IDNA_CONTEXTJ = 2, IDNA_CONTEXTO = 3,	/* & 3 */
	IDNA_B_L = 0 << 2, IDNA_B_RAL = 1 << 2, IDNA_B_AN = 2 << 2,
	IDNA_B_EN = 3 << 2, IDNA_B_NSM = 4 << 2, IDNA_B_NEUT = 5 << 2,
	IDNA_B_OTHER = 6 << 2,					/* & 7 << 2 */
	IDNA_VIRAMA = 1 << 5, IDNA_MARK = 1 << 6,
	IDNA_JT_T = 1 << 7, IDNA_JT_L = 2 << 7, IDNA_JT_D = 3 << 7,
	IDNA_JT_R = 4 << 7,					/* & 7 << 7 */
	IDNA_GREEK = 1 << 10, IDNA_HEBREW = 2 << 10, IDNA_KANA = 3 << 10
								/* & 3 << 10 */
};

/* Sorted, disjoint ranges of code points with the same flags. */
static const struct idna_range {
	int32_t		lo, hi;
	unsigned	flags;
} idna_tab[] = {''')
for lo, hi, f in runs:
    print('\t{ 0x%x, 0x%x, %s },' % (lo, hi, f))
print('};')
