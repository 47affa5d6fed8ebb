"""Benchmark helper for scripts/bench-model-quantization.sh: EmbedQ fp32 / bf16 / int8 weights,
PyTorch fp32 / dynamic int8 and ONNX Runtime fp32 / dynamic int8 (quantize_dynamic on the
torch.onnx export), interleaved, on the same SciFact documents (title + " " + text, stripped).
Times exclude model loading and include tokenization."""
import argparse, json, os, re, statistics, subprocess, sys, time

import numpy as np

from bench_encoder import documents
from onnx_peer import OnnxEncoder, export


def cosines(a, b):
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main():
    p = argparse.ArgumentParser()
    for name in ("--embedq", "--model", "--corpus", "--workdir"):
        p.add_argument(name, required=True)
    p.add_argument("--docs", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--isa", default="",
                   help="comma-separated EMBEDQ_ISA levels to run EmbedQ under (native: unset); default: the environment's")
    a = p.parse_args()
    isas = [i for i in a.isa.split(",") if i] or [os.environ.get("EMBEDQ_ISA") or "native"]

    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(a.threads)
    texts = documents(a.corpus, a.docs)
    inputs = os.path.join(a.workdir, "docs.jsonl")
    with open(inputs, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    fp32 = SentenceTransformer(a.model, device="cpu")
    fp32.max_seq_length = 256
    int8 = torch.ao.quantization.quantize_dynamic(
        SentenceTransformer(a.model, device="cpu"), {torch.nn.Linear}, dtype=torch.qint8)
    int8.max_seq_length = 256
    tokens = sum(len(ids) for ids in fp32.tokenizer(texts, truncation=True, max_length=256)["input_ids"])
    onnx_fp32_path, onnx_int8_path = export(fp32, a.workdir)
    onnx_fp32 = OnnxEncoder(onnx_fp32_path, fp32.tokenizer, a.threads)
    onnx_int8 = OnnxEncoder(onnx_int8_path, fp32.tokenizer, a.threads)
    for m in (fp32, int8, onnx_fp32, onnx_int8):
        m.encode(texts[:32], batch_size=a.batch_size)  # warm-up

    peers = ["PyTorch fp32", "PyTorch dynamic int8", "ONNX Runtime fp32", "ONNX Runtime dynamic int8"]
    ours = [(f"EmbedQ {w} ({isa})", w, isa) for isa in isas for w in ("fp32", "bf16", "int8")]
    names = peers + [n for n, _, _ in ours]
    times = {n: [] for n in names}
    vectors = {}
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env.pop("EMBEDQ_ISA", None)
    for run in range(a.runs):
        for name, m in (("PyTorch fp32", fp32), ("PyTorch dynamic int8", int8), ("ONNX Runtime fp32", onnx_fp32),
                        ("ONNX Runtime dynamic int8", onnx_int8)):
            start = time.perf_counter()
            vectors[name] = m.encode(texts, batch_size=a.batch_size, convert_to_numpy=True)
            times[name].append(time.perf_counter() - start)
        for name, weights, isa in ours:
            output = os.path.join(a.workdir, weights + ".npy")
            cmd = [a.embedq, "embed", "--quiet", "--model", a.model, inputs, "--output", output, "--weights", weights,
                   "--threads", str(a.threads), "--batch-size", str(a.batch_size)]
            done = subprocess.run(cmd, capture_output=True, text=True,
                                  env=env if isa == "native" else dict(env, EMBEDQ_ISA=isa))
            if done.returncode != 0:
                sys.exit("embedq failed: " + done.stderr)
            m = re.search(r"(\d+) texts, (\d+) tokens in ([0-9.]+) s", done.stderr)
            if int(m.group(2)) != tokens:
                print(f"  note: EmbedQ counts {m.group(2)} tokens, PyTorch {tokens}", file=sys.stderr)
            times[name].append(float(m.group(3)))
            vectors[name] = np.load(output)
        print(f"  run {run + 1}/{a.runs}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in names), file=sys.stderr)

    rate = {n: tokens / statistics.median(times[n]) for n in names}
    reference = vectors["PyTorch fp32"]
    import onnxruntime
    print(f"\nSciFact corpus, {len(texts)} documents, {tokens} tokens, {a.threads} threads, batch {a.batch_size}, "
          f"median of {a.runs} runs (PyTorch {torch.__version__.split('+')[0]}, ONNX Runtime {onnxruntime.__version__}), "
          f"EmbedQ under EMBEDQ_ISA={', '.join(isas)}")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}")
    print(f"{'encoder':<29}{'seconds':>9}{'tokens/s':>10}{'vs EmbedQ fp32':>16}{'vs PyTorch fp32':>17}"
          f"{'vs ORT same':>13}{'mean cos':>10}{'min cos':>10}")
    for n in names:
        c = cosines(vectors[n], reference)
        # "PyTorch dynamic int8", "EmbedQ int8 (avx2)", …: every int8 row against ONNX Runtime's int8.
        peer = "ONNX Runtime dynamic int8" if "int8" in n else "ONNX Runtime fp32"
        own = next((f"EmbedQ fp32 ({isa})" for m, _, isa in ours if m == n), f"EmbedQ fp32 ({isas[0]})")
        print(f"{n:<29}{statistics.median(times[n]):>9.2f}{rate[n]:>10.0f}{rate[n] / rate[own]:>15.2f}x"
              f"{rate[n] / rate['PyTorch fp32']:>16.2f}x{rate[n] / rate[peer]:>12.2f}x{c.mean():>10.6f}{c.min():>10.6f}")
    print("cosines are to PyTorch fp32's vectors; 'vs EmbedQ fp32': to EmbedQ fp32 under the same EMBEDQ_ISA; "
          "'vs ORT same': to ONNX Runtime int8 for int8 rows, else fp32; "
          f"load average during the runs: {os.getloadavg()[0]:.1f} (wall-clock rates assume otherwise idle cores)")


if __name__ == "__main__":
    main()
