#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The manual pages cannot fall behind the code.

usage: check_man.py lint SOURCE_ROOT
       check_man.py coverage SOURCE_ROOT CLUSCTL CLUSTERD

lint: every page passes "mandoc -T lint -W warning" with no output, and
"groff -ww -z -man" with none when groff is there (exit 77 without mandoc).

coverage:
- every function the library exports (src/client/libclusapi.map, its globs
  expanded with the CLUSAPI_API declarations of include/clusapi.h) is named
  in the NAME section of exactly one page of man/man3, which meson installs
  as the page itself or as a link to it (man/meson.build makes the links
  from the NAME sections);
- each page's SYNOPSIS has the exact prototype of every function it names,
  as include/clusapi.h declares it, and names no other;
- every page is installed (listed in man/meson.build);
- every command of "clusctl --help" is in clusctl.8, and every option of
  "clusctl --help" and "clusterd --help" in clusctl.8 and clusterd.8.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def pages(man):
    out = []
    for sect in ("man3", "man8"):
        d = os.path.join(man, sect)
        for name in sorted(os.listdir(d)):
            out.append(os.path.join(sect, name))
    return out


def lint(root):
    man = os.path.join(root, "man")
    mandoc = shutil.which("mandoc")
    if not mandoc:
        print("SKIP: mandoc is not installed (apt-get install mandoc)")
        return 77
    groff = shutil.which("groff")
    for p in pages(man):
        r = subprocess.run([mandoc, "-T", "lint", "-W", "warning", p], cwd=man,
                           capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip()
        if r.returncode != 0 or out:
            fail("mandoc -T lint -W warning man/%s (exit %d):\n%s" % (p, r.returncode, out))
        if groff:
            r = subprocess.run([groff, "-ww", "-z", "-man", p], cwd=man,
                               capture_output=True, text=True)
            out = (r.stdout + r.stderr).strip()
            if r.returncode != 0 or out:
                fail("groff -ww -z -man man/%s (exit %d):\n%s" % (p, r.returncode, out))
    print("%d pages linted with mandoc%s" % (len(pages(man)), " and groff" if groff else ""))
    return 1 if failures else 0


def header_prototypes(root):
    hdr = read(os.path.join(root, "include", "clusapi.h"))
    protos = {}
    for m in re.finditer(r"^CLUSAPI_API\s+([^;]*?);", hdr, re.S | re.M):
        d = " ".join(m.group(1).split())
        name = re.search(r"(\w+)\(", d).group(1)
        protos[name] = d + ";"
    return protos


def exported(root, protos):
    text = read(os.path.join(root, "src", "client", "libclusapi.map"))
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    glob = text.split("global:")[1].split("local:")[0]
    names = set()
    for entry in re.findall(r"([\w*?]+)\s*;", glob):
        if any(c in entry for c in "*?"):
            matched = [n for n in protos if fnmatch.fnmatchcase(n, entry)]
            if not matched:
                fail("libclusapi.map: %s matches no function of include/clusapi.h" % entry)
            names.update(matched)
        else:
            names.add(entry)
    return names


def deroff(text):
    """The words of a page, roughly as they are shown."""
    lines = []
    for line in text.splitlines():
        if line.startswith('.\\"'):
            continue
        line = re.sub(r"^\.[A-Za-z]+\s?", "", line)
        line = re.sub(r"\\f[BIRP]", "", line)
        line = line.replace('"', "").replace("\\-", "-").replace("\\e", "\\")
        lines.append(line)
    return " ".join(" ".join(lines).split())


def name_section(text):
    m = re.search(r"^\.SH NAME\n(.*?)\\-", text, re.S | re.M)
    return [n.strip() for n in m.group(1).replace("\n", " ").split(",") if n.strip()] if m else []


def synopsis_prototypes(text):
    m = re.search(r"^\.SH SYNOPSIS\n(.*?)^\.SH ", text, re.S | re.M)
    if not m:
        return []
    out = []
    for line in m.group(1).splitlines():
        if not re.match(r"\.(B|BI) ", line) or "(" not in line:
            continue
        # Roff arguments: quoted strings or words; the fonts alternate, the
        # text is their concatenation.
        args = re.findall(r'"([^"]*)"|(\S+)', line.split(" ", 1)[1])
        out.append(" ".join("".join(a or b for a, b in args).split()))
    return out


def coverage(root, clusctl, clusterd):
    man = os.path.join(root, "man")
    protos = header_prototypes(root)
    symbols = exported(root, protos)
    for s in sorted(symbols - set(protos)):
        fail("%s is exported (libclusapi.map) but not declared with CLUSAPI_API in include/clusapi.h" % s)

    meson = read(os.path.join(man, "meson.build"))
    documented = {}
    for p in pages(man):
        if os.path.basename(p) not in meson:
            fail("man/%s is not installed: add it to man/meson.build" % p)
        if not p.startswith("man3/") or p == "man3/libclusapi.3":
            continue
        text = read(os.path.join(man, p))
        names = name_section(text)
        base = os.path.basename(p)[:-2]
        if base not in names:
            fail("man/%s: its NAME section does not name %s" % (p, base))
        syn = synopsis_prototypes(text)
        for n in names:
            if n in documented:
                fail("%s is documented twice: man/%s and man/%s" % (n, documented[n], p))
            documented[n] = p
            if n not in protos:
                fail("man/%s documents %s, which include/clusapi.h does not declare" % (p, n))
            elif protos[n] not in syn:
                fail("man/%s: SYNOPSIS lacks the prototype of %s as the header has it:\n  %s"
                     % (p, n, protos[n]))
        for s in syn:
            n = re.search(r"(\w+)\(", s).group(1)
            if n not in names:
                fail("man/%s: SYNOPSIS has %s, which its NAME section does not list" % (p, n))
    for s in sorted(symbols):
        if s not in documented:
            fail("%s is exported but no page of man/man3 names it (add it to a family page's NAME "
                 "and SYNOPSIS)" % s)
    overview = deroff(read(os.path.join(man, "man3", "libclusapi.3")))
    for s in sorted(symbols):
        if not re.search(r"(?<!\w)%s(?!\w)" % s, overview):
            fail("libclusapi.3 does not list %s among the functions" % s)

    # The commands and options of the programs.
    def help_of(prog):
        r = subprocess.run([prog, "--help"], capture_output=True, text=True)
        if r.returncode != 0:
            fail("%s --help exited %d" % (prog, r.returncode))
        return r.stdout

    clusctl_help = help_of(clusctl)
    clusctl_page = deroff(read(os.path.join(man, "man8", "clusctl.8")))
    section = clusctl_help.split("Commands:")[1].split("\nOptions")[0]
    commands = []
    for line in section.splitlines():
        m = re.match(r"^  ([a-z]+(?: [a-z]+)?)(?:  |$| [A-Z\[])", line)
        if m:
            commands.append(m.group(1))
    if len(commands) < 10:
        fail("found only %d commands in clusctl --help: %s" % (len(commands), commands))
    for c in commands:
        if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(c), clusctl_page):
            fail('clusctl.8 does not document the command "%s" of clusctl --help' % c)

    def option_words(help_text):
        opts = set()
        for line in help_text.splitlines():
            m = re.match(r"^\s+(-[^ ].*?)(?:\s{2,}|$)", line)
            if m:
                opts.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", m.group(1)))
        return opts

    for prog, help_text, page in (("clusctl", clusctl_help, clusctl_page),
                                  ("clusterd", help_of(clusterd),
                                   deroff(read(os.path.join(man, "man8", "clusterd.8"))))):
        opts = option_words(help_text)
        if len(opts) < 8:
            fail("found only %d options in %s --help: %s" % (len(opts), prog, sorted(opts)))
        for o in sorted(opts):
            if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(o), page):
                fail("%s.8 does not document the option %s of %s --help" % (prog, o, prog))
    print("%d exported functions, %d clusctl commands: checked" % (len(symbols), len(commands)))
    return 1 if failures else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "lint":
        return lint(sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "coverage":
        return coverage(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
