"""Random-weight models of published sizes for scripts/bench-architectures.sh (speed only: their
vectors mean nothing). Each is a sentence-transformers folder (mean pooling, Normalize,
max_seq_length 256) with all-MiniLM-L6-v2's WordPiece tokenizer (vocabulary 30,522) so that both
sides tokenize alike; layer shapes are the published ones:

  xlm-roberta  multilingual-e5-base shape: 12 layers, 768 hidden, 12 heads, 3072 intermediate
               (vocabulary 30,522 instead of 250,002: the embedding table's size does not change the speed)
  nomic_bert   nomic-embed-text-v1.5 shape: 12 layers, 768, 12 heads, SwiGLU 3072, rotary base 1000,
               no biases; written with nomic-ai's names and config keys (what EmbedQ reads) and, for
               PyTorch, as transformers' native NomicBertModel (same weights, renamed)
  modernbert   gte-modernbert-base shape: 22 layers, 768, 12 heads, GeGLU 1152, window 128, global
               every 3rd layer

Usage: make_benchmark_models.py MINILM_FOLDER OUTPUT_FOLDER
"""
import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file


def sentence_transformer_files(folder, hidden, minilm):
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if os.path.exists(os.path.join(minilm, name)):
            shutil.copy(os.path.join(minilm, name), folder)
    os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
    with open(os.path.join(folder, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                   {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                   {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}], f)
    with open(os.path.join(folder, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": 256, "do_lower_case": False}, f)
    with open(os.path.join(folder, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True}, f)


def save_hf(model, folder, minilm):
    model.save_pretrained(folder)
    sentence_transformer_files(folder, model.config.hidden_size, minilm)


def main():
    minilm, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    from transformers import ModernBertConfig, ModernBertModel, NomicBertConfig, NomicBertModel, XLMRobertaConfig, XLMRobertaModel

    folder = os.path.join(out, "xlm-roberta")
    if not os.path.exists(os.path.join(folder, "modules.json")):
        save_hf(XLMRobertaModel(XLMRobertaConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                                                 intermediate_size=3072, max_position_embeddings=514, pad_token_id=1,
                                                 type_vocab_size=1), add_pooling_layer=False), folder, minilm)
    folder = os.path.join(out, "modernbert")
    if not os.path.exists(os.path.join(folder, "modules.json")):
        save_hf(ModernBertModel(ModernBertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=22, num_attention_heads=12,
                                                 intermediate_size=1152, max_position_embeddings=8192, local_attention=128,
                                                 global_attn_every_n_layers=3, pad_token_id=0, cls_token_id=101,
                                                 sep_token_id=102, bos_token_id=101, eos_token_id=102)), folder, minilm)
    native, published = os.path.join(out, "nomic_bert-pytorch"), os.path.join(out, "nomic_bert")
    if not os.path.exists(os.path.join(published, "modules.json")):
        model = NomicBertModel(NomicBertConfig(vocab_size=30528, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                                               intermediate_size=3072, hidden_act="silu", max_position_embeddings=8192,
                                               layer_norm_eps=1e-12,
                                               rope_parameters={"rope_type": "default", "rope_theta": 1000.0}))
        save_hf(model, native, minilm)
        state = model.state_dict()
        weights = {"embeddings.word_embeddings.weight": state["embeddings.word_embeddings.weight"],
                   "embeddings.token_type_embeddings.weight": state["embeddings.token_type_embeddings.weight"],
                   "emb_ln.weight": state["embeddings.LayerNorm.weight"], "emb_ln.bias": state["embeddings.LayerNorm.bias"]}
        for layer in range(12):
            n, p = f"layers.{layer}.", f"encoder.layers.{layer}."
            weights[p + "attn.Wqkv.weight"] = torch.cat([state[n + f"self_attn.{x}_proj.weight"] for x in "qkv"])
            renames = {"attn.out_proj": "self_attn.o_proj", "mlp.fc11": "mlp.up_proj", "mlp.fc12": "mlp.gate_proj",
                       "mlp.fc2": "mlp.down_proj"}
            for ours, theirs in renames.items():
                weights[p + ours + ".weight"] = state[n + theirs + ".weight"]
            for ours, theirs in {"norm1": "post_attention_layernorm", "norm2": "post_mlp_layernorm"}.items():
                weights[p + ours + ".weight"] = state[n + theirs + ".weight"]
                weights[p + ours + ".bias"] = state[n + theirs + ".bias"]
        os.makedirs(published, exist_ok=True)
        save_file({k: v.contiguous() for k, v in weights.items()}, os.path.join(published, "model.safetensors"))
        with open(os.path.join(published, "config.json"), "w") as f:
            json.dump({"model_type": "nomic_bert", "n_embd": 768, "n_head": 12, "n_layer": 12, "n_inner": 3072,
                       "n_positions": 8192, "vocab_size": 30528, "type_vocab_size": 2, "layer_norm_epsilon": 1e-12,
                       "activation_function": "swiglu", "rotary_emb_fraction": 1.0, "rotary_emb_base": 1000,
                       "qkv_proj_bias": False, "mlp_fc1_bias": False, "mlp_fc2_bias": False, "prenorm": False}, f)
        sentence_transformer_files(published, 768, minilm)


if __name__ == "__main__":
    main()
