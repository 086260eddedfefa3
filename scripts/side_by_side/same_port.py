"""What a user would script instead of meshmend: load every document with
PyYAML's C loader and list the pairs of Gateways that claim the same port
number with the same selector.

    python3 same_port.py FILE    # prints {"pairs": ["ns/a ns/b", ...]}

Deliberately naive (it is the baseline, not a model of istiod): it compares
Gateway port numbers, not the listener a Service's targetPort puts them on,
and selectors for equality, not for the pods they select; and it reports
every shared port, not only the ones istiod drops.
"""

import json
import sys
from collections import defaultdict
from itertools import combinations

import yaml


def main():
    claims = defaultdict(set)
    with open(sys.argv[1], encoding="utf-8") as f:
        for doc in yaml.load_all(f, Loader=yaml.CSafeLoader):
            if not isinstance(doc, dict) or doc.get("kind") != "Gateway":
                continue
            meta, spec = doc.get("metadata") or {}, doc.get("spec") or {}
            name = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
            selector = frozenset((str(k), str(v)) for k, v in (spec.get("selector") or {}).items())
            for server in spec.get("servers") or []:
                port = ((server or {}).get("port") or {}).get("number")
                if port is not None:
                    claims[(selector, str(port))].add(name)
    pairs = {" ".join(p) for names in claims.values() for p in combinations(sorted(names), 2)}
    print(json.dumps({"pairs": sorted(pairs)}))


if __name__ == "__main__":
    main()
