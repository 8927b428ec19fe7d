# SPDX-License-Identifier: LGPL-2.1-or-later
"""The README shows a file of the tree as a ```c block; fail unless the block
is the file, byte for byte.  Usage: check_readme.py README FILE NAME, where the
block is the first fenced block after the first line that mentions NAME."""
import difflib
import sys

readme_path, file_path, name = sys.argv[1:4]
with open(readme_path, encoding="utf-8") as f:
    lines = f.read().split("\n")
with open(file_path, encoding="utf-8") as f:
    want = f.read()

try:
    at = next(i for i, line in enumerate(lines) if name in line)
    start = next(i for i in range(at + 1, len(lines)) if lines[i].startswith("```"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "```")
except StopIteration:
    sys.exit(f"FAIL: {readme_path} has no code block after a line naming {name}")
got = "\n".join(lines[start + 1:end]) + "\n"
if got != want:
    sys.stdout.writelines(difflib.unified_diff(
        want.splitlines(True), got.splitlines(True), file_path, f"{readme_path} (lines {start + 2}-{end})"))
    sys.exit(f"FAIL: the code block of {readme_path} (line {start + 1}) is not {file_path}: "
             "copy the file into the README")
print(f"ok: {readme_path} line {start + 1} shows {file_path} as it is")
