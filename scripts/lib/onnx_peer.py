"""ONNX Runtime as a benchmark peer (scripts/bench-encoder.sh, scripts/bench-model-quantization.sh):
the sentence-transformers model's transformer exported with torch.onnx from the same folder,
run by ONNX Runtime on the CPU with every graph optimization on and `threads` intra-op threads,
then mean pooling and L2 normalization in NumPy (the model's own pipeline). `int8` is
onnxruntime.quantization.quantize_dynamic on that export (QInt8 weights, the default settings)."""
import os

import numpy as np


def export(model, folder):
    """Exports `model[0].auto_model` (a SentenceTransformer's transformer) to folder/model.onnx
    and its dynamic int8 quantization to folder/model-int8.onnx; returns both paths."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = os.path.join(folder, "model.onnx")
    int8 = os.path.join(folder, "model-int8.onnx")
    sample = model.tokenizer(["an example sentence", "and another one"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class Transformer(torch.nn.Module):
        """The transformer called with keyword inputs, returning the last hidden state."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs))).last_hidden_state

    transformer = Transformer(model[0].auto_model.eval())
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(transformer, tuple(sample[n] for n in names), fp32, input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
    return fp32, int8


class OnnxEncoder:
    """Encodes texts like SentenceTransformer.encode: batches of `batch_size` in order of
    decreasing length, padded per batch, truncated at `max_length` tokens, mean pooled over the
    attention mask and L2-normalized."""

    def __init__(self, path, tokenizer, threads, max_length=256):
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = tokenizer
        self.max_length = max_length

    def encode(self, texts, batch_size=32, **_):
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        result = [None] * len(texts)
        for start in range(0, len(texts), batch_size):
            indices = order[start:start + batch_size]
            batch = self.tokenizer([texts[i] for i in indices], padding=True, truncation=True,
                                   max_length=self.max_length, return_tensors="np")
            feed = {n: batch[n].astype(np.int64) for n in self.inputs}
            hidden = self.session.run(["last_hidden_state"], feed)[0]
            mask = batch["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(indices):
                result[i] = pooled[row]
        return np.stack(result).astype(np.float32)
