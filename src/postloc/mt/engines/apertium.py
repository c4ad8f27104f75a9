"""The apertium engine: Debian's rule-based translator, one process per language pair and chunk.

Starting ``apertium`` loads every transducer of the pair, which costs far more than
translating a paragraph (measured: 500 paragraphs took 58 s one process each, 0.9 s in one).
So a whole stream goes through one ``apertium -u -f html <mode>`` call per chunk of at most
:data:`MAX_CHUNK_BYTES` (:meth:`ApertiumEngine.plan_calls`), each segment in its own
``<p id="sN">``: the HTML deformatter treats the paragraphs as separate units, whereas
blank-line separated text leaked context between segments (a "pas de …" lost its negation).
``-u`` drops the ``*``/``#`` marks of unknown words, which would otherwise end up in drafts
(and, through a pivot, in the next hop's input); the few marks and tags some pairs still leak
are removed here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from postloc.errors import EngineFailed, EngineUnavailable
from postloc.mt.engines.base import Engine, MarkupStyle

if TYPE_CHECKING:
    from postloc.config import Config

DEBIAN_PACKAGES = (
    "apertium",
    "apertium-fr-es",
    "apertium-eng-spa",
    "apertium-fra-cat",
    "apertium-eo-fr",
    "apertium-oci-fra",
)
"""What ``make setup`` installs; named in the error when apertium is missing."""

MAX_CHUNK_BYTES = 2_000_000
"""Upper bound of one process call's input, so a huge batch cannot exhaust memory. A stream is
cut into calls of this size: a process start costs 0.1–0.3 s (the pair's transducers), a chunk
this big 15–40 s of work, and each finished chunk is one commit of the translation memory."""

SPLIT_BYTES = 192_000
"""Smallest chunk a stream is split into to use more cores: about 2 s of work for fr-es, so
the extra process start (0.2–0.6 s of CPU) is repaid by a core that would otherwise wait."""

CHUNKS_PER_CORE = 1
"""A stream worth it is cut into this many chunks per core: every core works on the stream
(the scheduler runs one language's streams at a time, :meth:`postloc.mt.streams.Streams.run`),
and a pivot's next hop starts on the first chunk's output. More chunks would cost more starts
(0.2–0.6 s of CPU each) for no core that would otherwise wait."""

_COST_BASE_BYTES = 3_000_000
"""How :meth:`ApertiumEngine.pair_cost` weighs a pair: the bytes of its transducers and rules
plus this, over ``5_000_000``. Fitted on Debian's pairs (CPU seconds for the same 775 kB
input: fr-es 11.3, spa-eng 11.3, fr-eo 13.4, fra-cat 25.0; estimates 11.4, 11.9, 15.1, 25.4):
a pair's data grows with its analysis and transfer stages, and so does its work."""

_SEGMENT_OVERHEAD = 20
"""Bytes the ``<p id="sN">…</p>`` wrapping adds to a segment, counted against the chunk."""

ISO_639_1 = {
    "afr": "af", "arg": "an", "ara": "ar", "ast": "ast", "bel": "be", "bre": "br",
    "bul": "bg", "cat": "ca", "ces": "cs", "cym": "cy", "dan": "da", "deu": "de",
    "ell": "el", "eng": "en", "epo": "eo", "eus": "eu", "fao": "fo", "fin": "fi",
    "fra": "fr", "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi", "hrv": "hr",
    "hbs": "sh", "isl": "is", "ita": "it", "kaz": "kk", "mkd": "mk", "mlt": "mt",
    "nld": "nl", "nno": "nn", "nob": "nb", "oci": "oc", "pol": "pl", "por": "pt",
    "ron": "ro", "rus": "ru", "slk": "sk", "slv": "sl", "sme": "se", "spa": "es",
    "srd": "sc", "srp": "sr", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk",
    "urd": "ur",
}  # fmt: skip
"""Apertium's newer mode names use ISO 639-3; postloc speaks base ISO 639-1 codes."""

_SEGMENT = re.compile(r'<p id="s(\d+)">')
_END_OF_SEGMENT = re.compile(r"</p>\s*\Z")
_PARAGRAPH_TAG = re.compile(r"</?p[\s>/]", re.IGNORECASE)
_LEAKED_TAGS = re.compile(r"( ?)((?:&lt;[a-z][a-z0-9_]*&gt;)+)( ?)")
_MARKS = re.compile(r"(?<![\w*#@])[*#@](?=\w)")
_MODE_PATHS = re.compile(r"'(/[^']+)'")

DATADIR_ENV = "APERTIUM_DATADIR"
"""The ``apertium`` script's own variable for its data folder (which holds ``modes/``); read
here too, so the mode files postloc fingerprints are the ones apertium runs."""


@dataclass(frozen=True, slots=True)
class Installation:
    """What ``apertium`` offers on this machine, found once per process."""

    executable: str | None
    """Absolute path of the ``apertium`` script, None when not installed."""
    modes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(source, target) base codes → the mode to run, e.g. ``("fr", "ca") → "fra-cat"``."""
    version: str = "not-installed"
    """``<apertium version>+data.<hash>`` over every pair; see :func:`find_installation`."""
    program: str = "unknown"
    """The program's own version (``apertium -V``), e.g. ``3.8.3``."""


def language_code(name: str) -> str | None:
    """``fra``/``fr`` → ``fr``; None for something that is not a language (``eco``)."""
    base = name.split("_")[0].lower()
    if base in ISO_639_1:
        return ISO_639_1[base]
    return base if len(base) == 2 and base.isalpha() else None


def choose_modes(names: Sequence[str]) -> dict[tuple[str, str], str]:
    """Pick one mode per pair: the plain one over variants (``fra-cat_pre2017``, ``eco-es-fr``,
    ``fr-eo-bytecode``), then Apertium's current 3-letter names, then alphabetical order."""
    best: dict[tuple[str, str], tuple[tuple[bool, bool, str], str]] = {}
    for name in names:
        parts = name.split("-")
        languages = [(part, code) for part in parts if (code := language_code(part))]
        if len(languages) != 2:
            continue
        (first, source), (second, target) = languages
        if source == target:
            continue
        variant = len(parts) > 2 or "_" in first or "_" in second
        rank = (variant, len(first.split("_")[0]) != 3, name)
        if (source, target) not in best or rank < best[(source, target)][0]:
            best[(source, target)] = (rank, name)
    return {pair: name for pair, (_, name) in sorted(best.items())}


def find_installation(executable: str = "apertium") -> Installation:
    """Find apertium on ``PATH`` now, then its modes and version (cached per binary).

    The lookup itself is not cached: a ``PATH`` that changes within the process (a wrapper
    put in front of the real binary) must be followed, not the first binary ever found.
    """
    path = shutil.which(executable)
    return Installation(None) if path is None else _installation_at(path)


def forget_installations() -> None:
    """Drop what was found about every apertium binary, as a new process would start."""
    _installation_at.cache_clear()


@cache
def _installation_at(path: str) -> Installation:
    """Apertium at ``path``: its modes and a version token (cached for the process).

    The version is the program's own (``apertium -V``) plus ``data.`` and a short hash of the
    chosen mode files and the size of every data file they name: upgrading a language package
    changes it, while two machines with the same packages agree on it (no mtimes). It is what
    ``postloc engines`` shows; memory keys and ``MT:`` comments use :func:`pair_data` instead,
    which another pair's package cannot change.
    A binary that cannot even list its modes serves nothing.
    """
    try:
        listing = _run([path, "-l"], "").stdout
        program = _run([path, "-V"], "").stdout.split()
    except EngineFailed:
        return Installation(path, {}, "broken")
    modes = choose_modes([line.strip() for line in listing.splitlines() if line.strip()])
    digest = hashlib.sha256()
    for name in sorted(modes.values()):
        digest.update(name.encode())
        digest.update(_mode_fingerprint(Path(path), name))
    number = program[-1] if program else "unknown"
    return Installation(path, modes, f"{number}+data.{digest.hexdigest()[:10]}", number)


def mode_file(executable: Path, mode: str) -> Path | None:
    """Where ``apertium`` finds ``<mode>.mode``: under ``$APERTIUM_DATADIR`` when set, else the
    data folder of the executable's prefix, ``/usr`` or ``/usr/local``; None if not found."""
    folders = [Path(os.environ[DATADIR_ENV])] if os.environ.get(DATADIR_ENV) else []
    for prefix in (executable.resolve().parent.parent, Path("/usr"), Path("/usr/local")):
        folders.append(prefix / "share" / "apertium")
    for folder in folders:
        found = folder / "modes" / f"{mode}.mode"
        if found.is_file():
            return found
    return None


def _data_files(mode_text: bytes) -> list[str]:
    """The absolute paths a mode file names (dictionaries, transfer rules), sorted."""
    return sorted(set(_MODE_PATHS.findall(mode_text.decode(errors="replace"))))


def _mode_fingerprint(executable: Path, mode: str) -> bytes:
    """The mode file and the sizes of the data files it names; b"" if not found."""
    found = mode_file(executable, mode)
    if found is None:
        return b""
    text = found.read_bytes()
    stats = []
    for data in _data_files(text):
        try:
            info = Path(data).stat()
        except OSError:
            continue
        stats.append(f"{data}:{info.st_size}")
    return text + "\n".join(stats).encode()


def pair_data(executable: str, mode: str) -> str:
    """The version of one mode's language data, as one token.

    When the mode file comes from a Debian package: ``<package>_<version>`` of the packages
    owning it and the data files it names (``apertium-fr-es_0.9.4-1``), so an upgrade of the
    pair changes it. Otherwise ``<mode>.<hash>`` of the mode file and its data files' sizes.
    Either way nothing of another pair enters it: installing ``apertium-eng-cat`` leaves
    the fr→es memory alone.
    """
    found = mode_file(Path(executable), mode)
    if found is not None:
        paths = [str(found), *_data_files(found.read_bytes())]
        packages = debian_packages(paths, required=str(found))
        if packages:
            return ",".join(f"{name}_{version}" for name, version in packages)
    digest = hashlib.sha256(mode.encode() + _mode_fingerprint(Path(executable), mode))
    return f"{mode}.{digest.hexdigest()[:10]}"


def debian_packages(paths: Sequence[str], required: str) -> list[tuple[str, str]]:
    """Sorted (package, version) of the Debian packages owning ``paths`` (``dpkg-query``).

    Empty when ``required`` is owned by none (a mode built from source, another system), when
    ``dpkg-query`` is missing or fails, or when an owner has no installed version.
    """
    dpkg = shutil.which("dpkg-query")
    if dpkg is None:
        return []
    owners: dict[str, set[str]] = {}
    for line in _dpkg_query([dpkg, "-S", *paths]).splitlines():
        listed, separator, path = line.partition(": ")
        if separator and path in paths and not line.startswith("diversion "):
            owners[path] = {name.strip().split(":")[0] for name in listed.split(",")}
    if not owners.get(required):
        return []
    packages = sorted(set().union(*owners.values()))
    versions: dict[str, str] = {}
    for line in _dpkg_query([dpkg, "-W", "-f=${Package}\t${Version}\n", *packages]).splitlines():
        name, _, version = line.partition("\t")
        versions[name] = version.strip()
    if not all(versions.get(package) for package in packages):
        return []
    return [(package, versions[package]) for package in packages]


def _dpkg_query(command: list[str]) -> str:
    """``dpkg-query``'s output; "" when it cannot run (its exit code is 1 for any unowned path,
    so the output is read regardless)."""
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60.0,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def _run(command: list[str], text: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, UnicodeError) as exc:
        raise EngineFailed(f"apertium could not run ({' '.join(command[1:])}): {exc}") from exc


class ApertiumEngine(Engine):
    """The :class:`~postloc.mt.engines.base.Engine` over Debian's ``apertium`` packages."""

    name = "apertium"
    markup: MarkupStyle = "html"
    parallel = True  # each call is its own process: calls of several pairs run side by side

    def __init__(self, executable: str = "apertium") -> None:
        self._executable = executable
        self._pair_versions: dict[tuple[str, str], str] = {}
        self._pair_costs: dict[tuple[str, str], float] = {}
        self._cores = 1

    def use_cores(self, cores: int) -> None:
        """A pair's stream is split over this many processes when it is big enough."""
        self._cores = max(1, cores)

    @classmethod
    def from_config(cls, config: Config) -> ApertiumEngine:
        """The registry's factory: apertium has no settings, the one on PATH is used."""
        return cls()

    def _installation(self) -> Installation:
        return find_installation(self._executable)

    def version(self) -> str:
        return self._installation().version

    def pair_version(self, source: str, target: str) -> str:
        """``<apertium -V>+<pair data>`` (:func:`pair_data`), e.g.
        ``3.8.3+apertium-fr-es_0.9.4-1``; asked once per engine and pair."""
        pair = (source, target)
        if pair not in self._pair_versions:
            installation = self._installation()
            mode = installation.modes.get(pair)
            if installation.executable is None or mode is None:
                self._pair_versions[pair] = installation.version
            else:
                data = pair_data(installation.executable, mode)
                self._pair_versions[pair] = f"{installation.program}+{data}"
        return self._pair_versions[pair]

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._installation().modes)

    def pair_cost(self, source: str, target: str) -> float:
        """Estimated from the size of the pair's data (:data:`_COST_BASE_BYTES`); 1.0 when
        its mode file cannot be found."""
        pair = (source, target)
        if pair not in self._pair_costs:
            installation = self._installation()
            mode = installation.modes.get(pair)
            found = None
            if installation.executable is not None and mode is not None:
                found = mode_file(Path(installation.executable), mode)
            cost = 1.0
            if found is not None:
                size = 0
                for data in _data_files(found.read_bytes()):
                    with contextlib.suppress(OSError):
                        size += Path(data).stat().st_size
                cost = (size + _COST_BASE_BYTES) / 5_000_000
            self._pair_costs[pair] = cost
        return self._pair_costs[pair]

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate HTML fragments (markup protected); one process per ≤ 2 MB chunk."""
        installation = self._installation()
        if installation.executable is None:
            raise EngineUnavailable(
                "apertium is not installed; install the Debian packages "
                + " ".join(DEBIAN_PACKAGES)
                + " (make setup does this as root)"
            )
        mode = installation.modes.get((source, target))
        if mode is None:
            raise EngineUnavailable(
                f"apertium has no {source}→{target} mode here (it has "
                + (", ".join(f"{s}→{t}" for s, t in installation.modes) or "none")
                + f"); install the Debian package of the pair, e.g. apertium-{source}-{target}"
            )
        for number, text in enumerate(texts):
            if _PARAGRAPH_TAG.search(text):
                raise EngineFailed(
                    f"segment {number + 1} contains a <p> tag; apertium cannot take it"
                )
        outputs: list[str] = []
        for chunk in _chunks(texts):
            outputs.extend(
                _translate_chunk(installation.executable, mode, texts[chunk.start : chunk.stop])
            )
        return outputs

    def plan_calls(self, texts: Sequence[str], source: str, target: str) -> list[range]:
        """One process per chunk of at most :data:`MAX_CHUNK_BYTES`: few starts, but a stream
        worth it (:data:`SPLIT_BYTES` a chunk) is cut in :data:`CHUNKS_PER_CORE` even chunks
        per core of the run, so the streams of several pairs share the cores to the end."""
        sizes = [_size(text) for text in texts]
        total = sum(sizes)
        split = min(CHUNKS_PER_CORE * self._cores, total // SPLIT_BYTES)
        count = max(-(-total // MAX_CHUNK_BYTES), split if self._cores > 1 else 1, 1)
        calls: list[range] = []
        for part in _even_parts(sizes, count):
            for chunk in _chunks(texts[part.start : part.stop]):
                calls.append(range(part.start + chunk.start, part.start + chunk.stop))
        return calls


def _size(text: str) -> int:
    return len(text.encode("utf-8")) + _SEGMENT_OVERHEAD


def _even_parts(sizes: Sequence[int], count: int) -> Iterator[range]:
    """``count`` consecutive ranges of about the same total size (fewer if texts run out)."""
    total = sum(sizes)
    start, done, part = 0, 0, 1
    for end, size in enumerate(sizes):
        if end > start and part < count and done + size / 2 > total * part / count:
            yield range(start, end)
            start, part = end, part + 1
        done += size
    if start < len(sizes):
        yield range(start, len(sizes))


def _chunks(texts: Sequence[str]) -> Iterator[range]:
    """Consecutive index ranges of at most :data:`MAX_CHUNK_BYTES` (a bigger text goes alone)."""
    start, size = 0, 0
    for end, text in enumerate(texts):
        length = _size(text)
        if end > start and size + length > MAX_CHUNK_BYTES:
            yield range(start, end)
            start, size = end, 0
        size += length
    if start < len(texts):
        yield range(start, len(texts))


def _translate_chunk(executable: str, mode: str, texts: Sequence[str]) -> list[str]:
    document = "".join(f'<p id="s{n}">{text}</p>\n' for n, text in enumerate(texts))
    timeout = max(120.0, len(document) / 2000)
    done = _run([executable, "-u", "-f", "html", mode], document, timeout)
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0 or errors:
        first = errors[0] if errors else (done.stdout.strip().splitlines() or [""])[0]
        raise EngineFailed(f"apertium {mode} failed (exit {done.returncode}): {first}")
    return [
        _without_debug_marks(output, text)
        for output, text in zip(_split(done.stdout, len(texts), mode), texts, strict=True)
    ]


def _split(output: str, count: int, mode: str) -> list[str]:
    """Cut the output back into segments by their ids; anything unexpected is a failure,
    since a guess could shift every later translation onto the wrong source text."""
    markers = list(_SEGMENT.finditer(output))
    numbers = [int(m.group(1)) for m in markers]
    problem = None
    if numbers != list(range(count)):
        problem = f"returned {len(markers)} segment markers for {count} segments"
    elif markers and output[: markers[0].start()].strip():
        problem = "wrote text outside the segments"
    segments = []
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        body = output[marker.end() : following.start() if following else len(output)]
        end = _END_OF_SEGMENT.search(body)
        if end is None:
            problem = problem or f"merged or cut segment {int(marker.group(1)) + 1} of {count}"
        segments.append(body[: end.start()] if end else body)
    if problem:
        raise EngineFailed(f"apertium {mode} {problem}")
    return segments


def _without_debug_marks(output: str, source: str) -> str:
    """Drop what failed lookups leak into the text even with ``-u``.

    Morphological tags of a failed generation (``y`` → ``&lt;prn&gt;`` in fr-es) and the
    ``#``/``@``/``*`` marks some pairs' generators still print (fra-cat: ``#agradar_pl``).
    A mark is kept when the source has that character at all (a hashtag, an address), since
    then a mark and the author's own character cannot be told apart.
    """

    def drop_tags(match: re.Match[str]) -> str:
        before, tags, after = match.groups()
        if tags in source:
            return match.group(0)
        return " " if before and after else before or after

    def drop_mark(match: re.Match[str]) -> str:
        return "" if match.group(0) not in source else match.group(0)

    return _MARKS.sub(drop_mark, _LEAKED_TAGS.sub(drop_tags, output))
