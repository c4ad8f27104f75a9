"""Build tiny but real ``.argosmodel`` packages offline, for tests and the benchmark.

A package made here has everything argostranslate itself needs to run without
the network: a SentencePiece model trained on ``tests/data/tiny_corpus.txt``,
a CTranslate2 Transformer with random weights (the end-of-sentence logit is
biased so outputs stay a few tokens long), a ``minisbd/<from>.onnx`` sentence
splitter (a per-character table: ``.``, ``!``, ``?`` and ``…`` end a sentence)
and ``metadata.json``. Translations are nonsense, but deterministic for a seed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

CORPUS = Path(__file__).parent / "data" / "tiny_corpus.txt"

LANGUAGE_NAMES = {
    "fr": "French",
    "en": "English",
    "es": "Spanish",
    "ca": "Catalan",
    "eo": "Esperanto",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
}

# Characters whose per-character label in the tiny SBD model ends a sentence.
SENTENCE_END_CHARS = ".!?…"

# The decoder's dimension 0 counts decoding steps (see _counting_positions) and
# the end-of-sentence logit reads it: ``eos_weight * counter_dim + eos_bias``, so
# "</s>" wins after a handful of pieces whatever the random weights are (a slower
# counter for the base-sized model gives sentence-length outputs).
TINY_EOS_BIAS = -6.0
TINY_EOS_WEIGHT = 2.0
TINY_COUNTER = 2.0
BASE_COUNTER = 0.6
MAX_DECODER_POSITIONS = 1024


def corpus_lines() -> list[str]:
    """The training text, one sentence per line."""
    return [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def train_sentencepiece(
    *, vocab_size: int = 300, seed: int = 0, lines: Sequence[str] | None = None
) -> bytes:
    """Train a SentencePiece model with CTranslate2's special ids (unk=0, bos=1, eos=2).

    ``lines`` replaces the small test corpus: the benchmark trains on its own
    French paragraphs with a real-sized vocabulary, so sentences tokenize to
    realistic lengths (a 300-piece model cuts words into ~3 pieces each).
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines if lines is not None else corpus_lines()),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def sentencepiece_vocabulary(model: bytes) -> list[str]:
    """Pieces in id order: the vocabulary CTranslate2 must register."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _random(rng: np.random.Generator, shape: tuple[int, ...], scale: float, dtype: Any) -> Any:
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _counting_positions(d_model: int, counter: float) -> Any:
    """Sinusoidal position encodings whose dimension 0 grows linearly with the step."""
    positions = np.arange(MAX_DECODER_POSITIONS, dtype=np.float64)[:, None]
    rates = 1.0 / np.power(10000.0, np.arange(0, d_model, 2, dtype=np.float64) / d_model)
    table = np.zeros((MAX_DECODER_POSITIONS, d_model))
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    table[:, 0] = counter * positions[:, 0]
    return table


def _layer_norm(spec: Any, d_model: int, dtype: Any) -> None:
    spec.gamma = np.ones(d_model, dtype=dtype)
    spec.beta = np.zeros(d_model, dtype=dtype)


def _linear(spec: Any, rng: np.random.Generator, out_dim: int, in_dim: int, dtype: Any) -> None:
    spec.weight = _random(rng, (out_dim, in_dim), 1.0 / np.sqrt(in_dim), dtype)
    spec.bias = np.zeros(out_dim, dtype=dtype)


def _ffn(spec: Any, rng: np.random.Generator, d_model: int, ffn: int, dtype: Any) -> None:
    _layer_norm(spec.layer_norm, d_model, dtype)
    _linear(spec.linear_0, rng, ffn, d_model, dtype)
    _linear(spec.linear_1, rng, d_model, ffn, dtype)


def build_ctranslate2_model(
    model_dir: Path,
    vocabulary: list[str],
    *,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 64,
    seed: int = 0,
    eos_bias: float = TINY_EOS_BIAS,
    eos_weight: float = TINY_EOS_WEIGHT,
    counter: float = TINY_COUNTER,
    pad_vocabulary_to: int = 0,
    dtype: Any = np.float32,
) -> Path:
    """Write a CTranslate2 Transformer (pre-norm, shared vocabulary) with random weights.

    ``pad_vocabulary_to`` appends never-produced dummy pieces so that a
    benchmark model pays a realistic output-projection cost.
    """
    from ctranslate2.specs import transformer_spec

    vocab = list(vocabulary)
    vocab += [f"<extra_{i}>" for i in range(max(0, pad_vocabulary_to - len(vocab)))]
    size = len(vocab)
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads, pre_norm=True)

    encoder = spec.encoder
    encoder.embeddings[0].weight = _random(rng, (size, d_model), d_model**-0.5, dtype)
    _layer_norm(encoder.layer_norm, d_model, dtype)
    for layer in encoder.layer:
        attention = layer.self_attention
        _layer_norm(attention.layer_norm, d_model, dtype)
        _linear(attention.linear[0], rng, 3 * d_model, d_model, dtype)
        _linear(attention.linear[1], rng, d_model, d_model, dtype)
        _ffn(layer.ffn, rng, d_model, ffn, dtype)

    decoder = spec.decoder
    decoder.embeddings.weight = _random(rng, (size, d_model), d_model**-0.5, dtype)
    _layer_norm(decoder.layer_norm, d_model, dtype)
    for layer in decoder.layer:
        _layer_norm(layer.self_attention.layer_norm, d_model, dtype)
        _linear(layer.self_attention.linear[0], rng, 3 * d_model, d_model, dtype)
        _linear(layer.self_attention.linear[1], rng, d_model, d_model, dtype)
        _layer_norm(layer.attention.layer_norm, d_model, dtype)
        _linear(layer.attention.linear[0], rng, d_model, d_model, dtype)
        _linear(layer.attention.linear[1], rng, 2 * d_model, d_model, dtype)
        _linear(layer.attention.linear[2], rng, d_model, d_model, dtype)
        _ffn(layer.ffn, rng, d_model, ffn, dtype)
    decoder.position_encodings.encodings = _counting_positions(d_model, counter).astype(dtype)
    _linear(decoder.projection, rng, size, d_model, dtype)
    eos = vocab.index("</s>")
    weight = decoder.projection.weight.astype(np.float32)
    weight[eos] = 0.0
    weight[eos, 0] = eos_weight
    decoder.projection.weight = weight.astype(dtype)
    bias = np.zeros(size, dtype=np.float32)
    bias[eos] = eos_bias
    bias[vocab.index("<s>")] = -1e4
    bias[vocab.index("<unk>")] = -1e4
    bias[len(vocabulary) :] = -1e4
    decoder.projection.bias = bias.astype(dtype)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))
    return model_dir


def build_sbd_onnx(path: Path, lang: str) -> Path:
    """Write a MiniSBD-compatible ONNX splitter: logits looked up per character.

    MiniSBD feeds ``units`` (char ids, int64 [batch, time]) and ``features``
    (float [batch, time, 0]) and takes the argmax over 5 labels: 0 inside a
    token, 1 end of token, 2 end of sentence. Spaces are 0, sentence-final
    punctuation is 2, every other character is a one-character token (1).
    """
    import onnx
    from onnx import TensorProto, helper

    units = ["<PAD>", "<UNK>", " ", *SENTENCE_END_CHARS]
    table = np.full((len(units), 5), -5.0, dtype=np.float32)
    for index, unit in enumerate(units):
        label = 2 if unit in SENTENCE_END_CHARS else 0 if unit in ("<PAD>", " ") else 1
        table[index, label] = 5.0
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "units"], ["logits"], axis=0)],
        "tiny_sbd",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "time"]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "time", 0]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "time", 5])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.ravel())],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: i for i, unit in enumerate(units)},
        "_id2unit": units,
    }
    config = {"skip_newline": False, "max_seqlen": 1000, "feat_funcs": [], "batch_size": 32}
    helper.set_model_props(
        model,
        {
            "lang_code": lang,
            "config": json.dumps(config),
            "vocab": json.dumps(vocab),
            "lexicon": "null",
        },
    )
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def package_metadata(from_code: str, to_code: str, version: str = "1.0") -> dict[str, Any]:
    """``metadata.json`` as the Argos index publishes it."""
    return {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }


def _zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipf:
        for path in sorted(folder.rglob("*")):
            zipf.write(path, path.relative_to(folder.parent).as_posix())
    return archive


def build_package(
    workdir: Path,
    from_code: str,
    to_code: str,
    *,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 64,
    seed: int = 0,
    eos_bias: float = TINY_EOS_BIAS,
    eos_weight: float = TINY_EOS_WEIGHT,
    counter: float = TINY_COUNTER,
    pad_vocabulary_to: int = 0,
    dtype: Any = np.float32,
    version: str = "1.0",
    sp_lines: Sequence[str] | None = None,
    sp_vocab: int = 300,
) -> Path:
    """Build ``<workdir>/translate-<from>_<to>-<version>.argosmodel`` and return its path."""
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    folder = Path(workdir) / "build" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sp_model = train_sentencepiece(seed=seed, lines=sp_lines, vocab_size=sp_vocab)
    (folder / "sentencepiece.model").write_bytes(sp_model)
    build_ctranslate2_model(
        folder / "model",
        sentencepiece_vocabulary(sp_model),
        d_model=d_model,
        layers=layers,
        heads=heads,
        ffn=ffn,
        seed=seed,
        eos_bias=eos_bias,
        eos_weight=eos_weight,
        counter=counter,
        pad_vocabulary_to=pad_vocabulary_to,
        dtype=dtype,
    )
    build_sbd_onnx(folder / "minisbd" / f"{from_code}.onnx", from_code)
    metadata = package_metadata(from_code, to_code, version)
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (folder / "README.md").write_text(
        f"Tiny random {from_code}→{to_code} test package (not a real translator).\n",
        encoding="utf-8",
    )
    return _zip_folder(folder, Path(workdir) / f"{name}.argosmodel")


def build_tiny_package(
    workdir: Path,
    from_code: str,
    to_code: str,
    *,
    d_model: int = 32,
    layers: int = 1,
    seed: int = 0,
) -> Path:
    """A test-sized package (d=32, 1+1 layers, ~300 pieces); built in well under a second."""
    return build_package(workdir, from_code, to_code, d_model=d_model, layers=layers, seed=seed)


def build_base_sized_package(
    workdir: Path,
    from_code: str,
    to_code: str,
    *,
    seed: int = 0,
    vocabulary_size: int = 32000,
    counter: float = BASE_COUNTER,
    sp_lines: Sequence[str] | None = None,
) -> Path:
    """A Transformer-base-sized package (d=512, 6+6 layers, 8 heads, ffn 2048) for ``make bench``.

    The vocabulary is padded to ``vocabulary_size`` so the output projection
    costs what it costs in a real Argos model; weights are float16 on disk
    (about 190 MB, built in a few seconds). With the default ``counter``
    outputs average about 28 pieces, the length of the corpus sentences.
    """
    return build_package(
        workdir,
        from_code,
        to_code,
        d_model=512,
        layers=6,
        heads=8,
        ffn=2048,
        seed=seed,
        counter=counter,
        pad_vocabulary_to=vocabulary_size,
        dtype=np.float16,
        sp_lines=sp_lines,
        sp_vocab=4000 if sp_lines is not None else 300,
    )


def argos_environment(root: Path) -> dict[str, str]:
    """Environment variables that confine argostranslate (and us) to folders below ``root``."""
    root = Path(root)
    env = {
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "ARGOS_PACKAGES_DIR": str(root / "packages"),
    }
    for value in env.values():
        os.makedirs(value, exist_ok=True)
    return env


def install_package(argosmodel: Path, packages_dir: Path) -> Path:
    """Unzip a package into ``packages_dir`` the way argostranslate does; return its folder."""
    packages_dir = Path(packages_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(argosmodel) as zipf:
        top = zipf.namelist()[0].split("/")[0]
        zipf.extractall(packages_dir)
    return packages_dir / top


class NetworkBlocked(OSError):
    """Raised by :func:`block_network` instead of opening a connection."""


def block_network() -> tuple[list[str], Callable[[], None]]:
    """Make every connection attempt fail and be recorded; return (attempts, restore).

    Patches ``socket.socket.connect``, ``socket.socket.connect_ex``,
    ``socket.getaddrinfo`` and ``socket.create_connection``. Usable in a test
    process or at the top of a subprocess script.
    """
    import socket

    attempts: list[str] = []
    saved = {
        (socket.socket, "connect"): socket.socket.connect,
        (socket.socket, "connect_ex"): socket.socket.connect_ex,
        (socket, "getaddrinfo"): socket.getaddrinfo,
        (socket, "create_connection"): socket.create_connection,
    }

    def refuse(what: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            target = args[1] if what.startswith("socket.") and len(args) > 1 else args[:1]
            attempts.append(f"{what}{target!r}")
            raise NetworkBlocked(f"network access blocked in tests: {what}{target!r}")

        return blocked

    for (owner, name), _original in saved.items():
        label = f"socket.{name}" if owner is socket.socket else name
        setattr(owner, name, refuse(label))

    def restore() -> None:
        for (owner, name), original in saved.items():
            setattr(owner, name, original)

    return attempts, restore
