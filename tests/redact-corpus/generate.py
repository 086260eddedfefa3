#!/usr/bin/env python3
"""Generates the labelled redaction corpus: realistic manifests with SYNTHETIC,
format-valid secrets (random, seeded; never real ones) and look-alike negatives.

Templates mark secrets as ⟦FAMILY|generator|id⟧ (same generator+id = same
value) and negatives as ⟪text⟫ or ⟪@generator⟫. The output is one YAML file per
template plus labels.json: {file: {"secrets": [{"family","text"}], "negatives": [text]}}.
Family "~" marks values that may be redacted or not (tolerated).

Run: python3 tests/redact-corpus/generate.py   (rewrites the corpus; seed fixed)
"""
import base64, hashlib, json, os, random, re, string, uuid, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261124)
A = string.ascii_letters + string.digits
B64 = A + "+/"
URL64 = A + "-_"
WORDS = ["velvet", "harbor", "orchid", "canyon", "falcon", "maple", "quartz", "ember", "willow",
         "cobalt", "meadow", "tundra", "saffron", "glacier", "lantern", "pepper", "marble", "otter"]

def r(chars, n): return "".join(rng.choice(chars) for _ in range(n))
def crc_token(prefix):
    """GitHub/npm format: 30 random base62 + their CRC32 in 6 base62 digits."""
    body = r(A, 30)
    n, digits = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
    while n:
        n, d = divmod(n, 62)
        digits = (string.digits + string.ascii_uppercase + string.ascii_lowercase)[d] + digits
    return prefix + body + digits.rjust(6, "0")

def b64(s): return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()
def b64url(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")

def human_pw():
    style = rng.randrange(4)
    w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
    if style == 0: return f"{w1.capitalize()}-{w2.capitalize()}-{rng.randrange(1000, 9999)}!"
    if style == 1: return f"{w1}{rng.randrange(10, 99)}{w2}"
    if style == 2: return r(A, 24)
    return f"{w1.capitalize()}{rng.randrange(1990, 2030)}.{r(A, 4)}"

def pem_body(prefix, n):
    body = prefix + r(B64, n - len(prefix))
    return [body[i:i + 64] for i in range(0, len(body), 64)] + [r(B64, 20) + "=="]

def pem(kind):
    label, prefix, n = {
        "rsa": ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 1560),
        "ec": ("EC PRIVATE KEY", "MHcCAQEEI", 150),
        "openssh": ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", 380),
        "pkcs8": ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 1580),
        "cert": ("CERTIFICATE", "MIIDdzCCAl+gAwIBAgIU", 1100),
    }[kind]
    return [f"-----BEGIN {label}-----"] + pem_body(prefix, n) + [f"-----END {label}-----"]

def jwt():
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": r(A, 8)}).encode())
    payload = b64url(json.dumps({"iss": "https://auth.corp.internal", "sub": f"svc-{r(string.ascii_lowercase, 6)}",
                                  "aud": "mesh", "exp": 1893456000 + rng.randrange(10**6)}).encode())
    return f"{header}.{payload}.{r(URL64, 86)}"

GEN = {
    "pw": human_pw,
    "aws_id": lambda: "AKIA" + r(string.ascii_uppercase + "234567", 16),
    "aws_secret": lambda: r(B64, 40),
    "aws_session": lambda: "IQoJb3JpZ2luX2VjE" + r(B64, 340) + "==",
    "account": lambda: str(rng.randrange(10**11, 10**12)),
    "gcp_key": lambda: "AIza" + r(URL64, 35),
    "hex32": lambda: r("0123456789abcdef", 32),
    "hex40": lambda: r("0123456789abcdef", 40),
    "hex64": lambda: r("0123456789abcdef", 64),
    "azure_key": lambda: r(B64, 86) + "==",
    "sb_key": lambda: r(B64, 43) + "=",
    "sas_sig": lambda: r(A, 20) + "%2B" + r(A, 18) + "%2F" + r(A, 4) + "%3D",
    "aad_secret": lambda: r(A, 3) + str(rng.randrange(10)) + "Q~" + r(A + "_~.-", 34),
    "ghp": lambda: crc_token("ghp_"),
    "github_pat": lambda: "github_pat_" + r(A, 22) + "_" + r(A, 59),
    "glpat": lambda: "glpat-" + r(URL64, 20),
    "slack_bot": lambda: f"xoxb-{rng.randrange(10**10, 10**11)}-{rng.randrange(10**12, 10**13)}-{r(A, 24)}",
    "slack_hook": lambda: f"T{r(string.ascii_uppercase + string.digits, 8)}/B{r(string.ascii_uppercase + string.digits, 10)}/{r(A, 24)}",
    "stripe": lambda: "sk_live_" + r(A, 24),
    "whsec": lambda: "whsec_" + r(A, 32),
    "sendgrid": lambda: "SG." + r(URL64, 22) + "." + r(URL64, 43),
    "npm": lambda: crc_token("npm_"),
    "dckr": lambda: "dckr_pat_" + r(URL64, 27),
    "glsa": lambda: "glsa_" + r(A, 32) + "_" + r("0123456789abcdef", 8),
    "hvs": lambda: "hvs." + r(URL64, 90),
    "openai": lambda: "sk-proj-" + r(URL64, 56) + "T3BlbkFJ" + r(URL64, 56),
    "anthropic": lambda: "sk-ant-api03-" + r(URL64, 93) + "AA",
    "cf_token": lambda: r(URL64, 40),
    "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "jwt": jwt,
    "sha1": lambda: r("0123456789abcdef", 40),
    "sha256": lambda: "sha256:" + r("0123456789abcdef", 64),
    "pem_rsa": lambda: pem("rsa"),
    "pem_ec": lambda: pem("ec"),
    "pem_openssh": lambda: pem("openssh"),
    "pem_pkcs8": lambda: pem("pkcs8"),
    "cert": lambda: pem("cert"),
}

cache = {}

def value(gen, ident):
    key = (gen, ident)
    if key in cache:
        return cache[key]
    if gen.startswith("b64:"):
        inner = value(gen[4:], ident)
        v = b64("\n".join(inner) + "\n" if isinstance(inner, list) else inner)
    elif gen.startswith("basic:"):
        v = b64(f"{ident.split('@')[0]}:{value(gen[6:], ident)}")
    elif gen.startswith("pemjson:"):
        v = "\\n".join(value(gen[8:], ident)) + "\\n"
    elif gen.endswith("_json") and gen.startswith("pem_"):
        v = "\\n".join(value(gen[:-5], ident)[1:-1])
    elif gen == "dockerjson":
        user = "ci-bot"
        pw = value("dckr", ident)
        v = b64(json.dumps({"auths": {"registry.corp.internal": {"username": user, "password": pw,
                                                                    "auth": b64(f"{user}:{pw}")}}}))
    else:
        v = GEN[gen]()
    cache[key] = v
    return v

SECRET = re.compile(r"⟦([^|⟧]+)\|([^|⟧]+)\|([^⟧]*)⟧")
NEG = re.compile(r"⟪([^⟫]*)⟫")

def render(template):
    secrets, negatives = [], []
    out_lines = []
    for line in template.split("\n"):
        def sub_neg(m):
            text = m.group(1)
            if text.startswith("@"):
                text = value(text[1:], "neg" + str(len(negatives)))
                if isinstance(text, list):
                    text = text[1]  # a certificate's first body line stands for it
            negatives.append(text)
            return text
        line = NEG.sub(sub_neg, line)
        parts = []
        pos = 0
        for m in SECRET.finditer(line):
            family, gen, ident = m.groups()
            v = value(gen, ident)
            parts.append(line[pos:m.start()])
            if isinstance(v, list):  # PEM: the marker stands alone on its line
                indent = "".join(parts)
                assert not indent.strip(), f"PEM marker must start its line: {line!r}"
                text = ("\n" + indent).join(v)
                if "CERTIFICATE" in v[0]:
                    negatives.append(v[1])
                else:
                    secrets.append((family, ("\n" + indent).join(v[1:-1])))
                parts.append(text)
            else:
                (negatives.append(v) if family == "-" else secrets.append((family, v)))
                parts.append(v)
            pos = m.end()
        parts.append(line[pos:])
        out_lines.append("".join(parts))
    return "\n".join(out_lines), secrets, negatives

def main():
    from templates import TEMPLATES  # noqa: E402  (templates.py beside this file)
    labels = {}
    for name, template in TEMPLATES:
        text, secrets, negatives = render(template.lstrip("\n"))
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)
        seen = []
        for fam, t in secrets:
            if (fam, t) not in seen:
                seen.append((fam, t))
        labels[name] = {
            "secrets": [{"family": f, "text": t} for f, t in seen if f != "~"],
            "tolerated": [t for f, t in seen if f == "~"],
            "negatives": sorted(set(negatives)),
        }
    with open(os.path.join(HERE, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(len(v["secrets"]) for v in labels.values())
    neg = sum(len(v["negatives"]) for v in labels.values())
    print(f"{len(labels)} files, {total} secrets, {neg} negatives")

if __name__ == "__main__":
    import sys
    sys.path.insert(0, HERE)
    main()
