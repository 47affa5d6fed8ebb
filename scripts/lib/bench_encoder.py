"""Benchmark helper for scripts/bench-encoder.sh: prepares SciFact documents, runs
sentence-transformers (PyTorch, CPU) and `embedq embed` alternately, prints a table.

Document text as MTEB builds it: title + " " + text, stripped; text alone when the title is
empty. Both sides truncate at the model's max_seq_length (256 tokens), use the same thread
count and batch size; times exclude model loading and include tokenization."""
import argparse, json, os, re, resource, statistics, subprocess, sys, time

import numpy as np


def documents(corpus, limit):
    texts = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            title, text = d.get("title", ""), d.get("text", "")
            texts.append((title + " " + text).strip() if title else text.strip())
            if limit and len(texts) >= limit:
                break
    return texts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--embedq", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--docs", type=int, default=500)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--workdir", required=True)
    p.add_argument("--peer-model", help="the folder PyTorch loads when it differs (same weights, transformers' names)")
    p.add_argument("--max-seq-length", type=int, default=256, help="the model folder's max_seq_length (PyTorch is set to it)")
    p.add_argument("--label", default="", help="a title line for the table")
    a = p.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(a.threads)
    texts = documents(a.corpus, a.docs)
    os.makedirs(a.workdir, exist_ok=True)
    inputs = os.path.join(a.workdir, "docs.jsonl")
    with open(inputs, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    model = SentenceTransformer(a.peer_model or a.model, device="cpu")
    model.max_seq_length = a.max_seq_length
    tokens_pt = sum(len(ids) for ids in model.tokenizer(texts, truncation=True, max_length=a.max_seq_length)["input_ids"])
    model.encode(texts[:32], batch_size=a.batch_size)  # warm-up

    pt_times, eq_times, eq_tokens = [], [], None
    pt_cpu, eq_cpu = [], []
    reference = None
    output = os.path.join(a.workdir, "embedq.npy")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    for run in range(a.runs):
        start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        reference = model.encode(texts, batch_size=a.batch_size, normalize_embeddings=False, convert_to_numpy=True)
        pt_times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_SELF)
        pt_cpu.append(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cmd = [a.embedq, "embed", "--quiet", "--model", a.model, inputs, "--output", output,
               "--threads", str(a.threads), "--batch-size", str(a.batch_size)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            sys.exit("embedq failed: " + done.stderr)
        m = re.search(r"(\d+) texts, (\d+) tokens in ([0-9.]+) s", done.stderr)
        eq_tokens, eq_times = int(m.group(2)), eq_times + [float(m.group(3))]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        eq_cpu.append(after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
        print(f"  run {run + 1}/{a.runs}: PyTorch {pt_times[-1]:.2f} s, EmbedQ {eq_times[-1]:.2f} s", file=sys.stderr)

    ours = np.load(output)
    cos = np.sum(ours * reference, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1))
    pt, eq = statistics.median(pt_times), statistics.median(eq_times)
    n = len(texts)
    if a.label:
        print(f"\n## {a.label}")
    print(f"\nSciFact corpus, {n} documents, {tokens_pt} tokens (EmbedQ counts {eq_tokens}), "
          f"{a.threads} threads, batch {a.batch_size}, median of {a.runs} runs")
    # CPU seconds (user + system, all threads) are steadier than wall time on a shared machine;
    # EmbedQ's include process start and model loading, PyTorch's do not.
    pc, ec = statistics.median(pt_cpu), statistics.median(eq_cpu)
    name = "sentence-transformers (PyTorch " + torch.__version__.split("+")[0] + ")"
    print(f"{'encoder':<38}{'seconds':>9}{'tokens/s':>10}{'docs/s':>8}{'CPU s':>8}{'tokens/CPU-s':>14}")
    print(f"{name:<38}{pt:>9.2f}{tokens_pt / pt:>10.0f}{n / pt:>8.2f}{pc:>8.1f}{tokens_pt / pc:>14.0f}")
    print(f"{'EmbedQ (Swift, fp32)':<38}{eq:>9.2f}{eq_tokens / eq:>10.0f}{n / eq:>8.2f}{ec:>8.1f}{eq_tokens / ec:>14.0f}")
    print(f"{'ratio EmbedQ / PyTorch':<38}{'':>9}{(eq_tokens / eq) / (tokens_pt / pt):>9.2f}x{pt / eq:>7.2f}x{'':>8}{(eq_tokens / ec) / (tokens_pt / pc):>13.2f}x")
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} (wall-clock rates assume otherwise idle cores)")
    print(f"parity: min cosine {cos.min():.7f}, max |diff| {np.abs(ours - reference).max():.2e}")


if __name__ == "__main__":
    main()
