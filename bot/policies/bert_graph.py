"""BERT's encoder layers as an ONNX graph, run by onnxruntime: the fast path for the encoder.

The graph is built here from the same weights the numpy forward pass uses (no exported model file,
no torch): inputs are the embedded tokens (batch, length, hidden) and the attention bias (batch, 1,
1, length), the output is the last hidden state. onnxruntime packs each weight matrix once when the
session is made; numpy's BLAS packs it again on every call, which for a question's dozen tokens
costs more than the arithmetic (about 6 instead of 20 ms per question on a two-core Xeon).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from onnx import NodeProto, TensorProto

log = logging.getLogger(__name__)

Layers = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (embedded tokens, bias) -> hidden states


class _Graph:
    """Accumulates ONNX nodes and weight initialisers."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self._from_array = numpy_helper.from_array
        self._make_node = helper.make_node
        self.nodes: list[NodeProto] = []
        self.initializers: list[TensorProto] = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self._from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], output: str = "", **attributes: Any) -> str:
        """Add a node; its output is named when given, numbered otherwise."""
        output = output or f"t{len(self.nodes)}"
        self.nodes.append(self._make_node(kind, inputs, [output], **attributes))
        return output


def _layer(g: _Graph, w: Mapping[str, np.ndarray], n: int, x: str, eps: float, out: str) -> str:
    """One encoder layer (self-attention, then the feed-forward block), as in BERT."""
    p = f"encoder.layer.{n}."

    def dense(h: str, name: str) -> str:
        product = g.op("MatMul", [h, g.const(f"{p}{name}.weight", w[f"{p}{name}.weight"])])
        return g.op("Add", [product, g.const(f"{p}{name}.bias", w[f"{p}{name}.bias"])])

    def heads(h: str, perm: list[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [h, "split_heads"])], perm=perm)

    def norm(h: str, name: str, output: str = "") -> str:
        weight = g.const(f"{p}{name}.weight", w[f"{p}{name}.weight"])
        bias = g.const(f"{p}{name}.bias", w[f"{p}{name}.bias"])
        return g.op("LayerNormalization", [h, weight, bias], output, axis=-1, epsilon=eps)

    q = heads(dense(x, "attention.self.query"), [0, 2, 1, 3])
    k = heads(dense(x, "attention.self.key"), [0, 2, 3, 1])
    v = heads(dense(x, "attention.self.value"), [0, 2, 1, 3])
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), "scale"]), "bias"])
    context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    merged = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), "merge"])
    attended = g.op("Add", [x, dense(merged, "attention.output.dense")])
    x = norm(attended, "attention.output.LayerNorm")
    h = dense(x, "intermediate.dense")
    erf = g.op("Erf", [g.op("Mul", [h, "rsqrt2"])])
    gelu = g.op("Mul", [g.op("Mul", [h, "half"]), g.op("Add", [erf, "one"])])
    return norm(g.op("Add", [x, dense(gelu, "output.dense")]), "output.LayerNorm", out)


def build_layers(w: Mapping[str, np.ndarray], heads: int, layers: int, eps: float) -> Layers | None:
    """The encoder layers as an onnxruntime session on one thread, or None (logged) when onnx or
    onnxruntime is not installed or refuses the graph. w holds BERT's weights by their names,
    dense weights already transposed (x @ W)."""
    try:
        import onnxruntime
        from onnx import TensorProto, helper
    except ImportError as error:
        log.warning("onnxruntime unavailable (%s); the encoder runs in numpy", error)
        return None
    hidden = w["embeddings.LayerNorm.weight"].shape[0]
    g = _Graph()
    g.const("split_heads", np.array([0, 0, heads, hidden // heads], dtype=np.int64))
    g.const("merge", np.array([0, 0, hidden], dtype=np.int64))
    g.const("scale", np.array(1 / np.sqrt(hidden // heads), dtype=np.float32))
    g.const("half", np.array(0.5, dtype=np.float32))
    g.const("one", np.array(1.0, dtype=np.float32))
    g.const("rsqrt2", np.array(1 / np.sqrt(2), dtype=np.float32))
    x = "x"
    for n in range(layers):
        x = _layer(g, w, n, x, eps, "y" if n == layers - 1 else "")
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", hidden]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "length", hidden])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = onnxruntime.SessionOptions()
    # One thread, like the numpy path's BLAS: turns run side by side on the machine's cores. No
    # arena: a batch's activations are freed after its run rather than kept for the next.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    try:
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own exception types
        log.warning("onnxruntime refused the encoder graph (%s); it runs in numpy", error)
        return None
    del model, graph, g
    release_freed_memory()

    def run(x: np.ndarray, bias: np.ndarray) -> np.ndarray:
        hidden: np.ndarray = session.run(["y"], {"x": x, "bias": bias})[0]
        return hidden

    return run


def release_freed_memory() -> None:
    """Give freed heap memory back to the system: glibc keeps it unless asked, which after making
    the graph (its transient copies of the weights) or embedding a whole index in batches held
    about 200 and 150 MB of the answering process. A no-op off glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
