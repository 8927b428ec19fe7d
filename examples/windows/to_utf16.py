#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Copy a C source with every wide literal L"..." / L'...' made u"..." / u'...':
the same program for a compiler whose wchar_t is 32 bits (no -fshort-wchar).
Only literals are touched: an L that ends an identifier (xL"...") is not a
prefix, and text inside string literals and comments is copied as it is."""
import sys


def convert(src):
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            out.append(src[i:j]); i = j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(src[i:j]); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1]); i = j + 1
        elif c == 'L' and i + 1 < n and src[i + 1] in '"\'' and not (i > 0 and (src[i - 1].isalnum() or src[i - 1] == '_')):
            out.append('u'); i += 1
        else:
            out.append(c); i += 1
    return ''.join(out)


with open(sys.argv[1], encoding='utf-8') as f:
    text = f.read()
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write('/* Generated from %s by to_utf16.py: L"..." made u"...". */\n#line 1 "%s"\n' % (sys.argv[1], sys.argv[1]))
    f.write(convert(text))
