"""Concatenates YAML from the real-repository snapshots into one stream of at
most MAX bytes (default 10 MB), for the side-by-side benchmark.

    python3 real.py OUT CORPUS_DIR [MAX]

Takes files round-robin across the repositories (so no single repository
fills the budget), in path order within each, and keeps only the ones every
compared tool can read as written: plain YAML that PyYAML's safe loader
accepts, with no unrendered `{{ }}` template. Written to a temp file at run
time; nothing from the corpus is copied into this repository.
"""

import os
import sys

import yaml


def yaml_files(repo):
    for root, dirs, files in os.walk(repo):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                path = os.path.join(root, name)
                if not os.path.islink(path) and os.path.getsize(path) < 1 << 20:
                    yield path


def readable(text):
    if "{{" in text or "\0" in text:
        return False
    try:
        for _ in yaml.load_all(text, Loader=yaml.CSafeLoader):
            pass
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    return True


def main():
    out, corpus = sys.argv[1], sys.argv[2]
    budget = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
    repos = [yaml_files(os.path.join(corpus, d)) for d in sorted(os.listdir(corpus))
             if os.path.isdir(os.path.join(corpus, d))]
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while repos and written < budget:
            for repo in list(repos):
                path = next(repo, None)
                if path is None:
                    repos.remove(repo)
                    continue
                try:
                    text = open(path, encoding="utf-8").read()
                except UnicodeDecodeError:
                    continue
                if written + len(text) > budget or not readable(text):
                    continue
                part = f"# {os.path.relpath(path, corpus)}\n{text.rstrip()}\n---\n"
                f.write(part)
                written += len(part.encode())


if __name__ == "__main__":
    main()
