"""Fitted models kept on disk (`train_cached`), keyed by everything that shapes them, so the default
models (seed examples and the hosting corpus, a few minutes of cross-validation) are fitted once per
machine rather than once per process. Processes that miss the same model at once (two app processes
or test workers starting on a fresh machine) fit it one at a time under a file lock: the first fits and
writes it, the others wait and read its file. A missing or unreadable cache only costs the training."""
from __future__ import annotations

import fcntl
import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from voc.text.classifier import C_GRID, ThemeModel, _train_key, remember_fitted, train
from voc.text.groups import row_groups


def model_cache_dir() -> Path:
    """Where `train_cached` keeps fitted models: $VOC_MODEL_CACHE, else ~/.cache/voc-desk/models."""
    return Path(os.environ.get("VOC_MODEL_CACHE") or Path.home() / ".cache" / "voc-desk" / "models")


def cache_path(key: str) -> Path:
    """The file of the model fitted for the training request `key`; its fit lock is this path's `.lock`."""
    return model_cache_dir() / f"theme-model-{key[:32]}.pkl"


def train_cached(texts: Sequence[str], labels: Sequence[Sequence[str]], *, at_least_one: bool = False) -> ThemeModel:
    """`train`, served from the disk cache when the same model was fitted before on this machine."""
    key = _train_key(texts, labels, at_least_one, True, C_GRID, 0, row_groups(texts))
    path = cache_path(key)
    model = _read(path, key)
    if model is not None:
        return model
    with _one_fit_at_a_time(path.with_suffix(".lock")):
        model = _read(path, key)            # another process fitted it while this one waited
        if model is None:
            model = train(texts, labels, at_least_one=at_least_one)
            _write(path, model)
    return model


def _read(path: Path, key: str) -> ThemeModel | None:
    try:
        blob = path.read_bytes()
        model = ThemeModel.from_bytes(blob)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    remember_fitted(key, blob)
    return model


def _write(path: Path, model: ThemeModel) -> None:
    try:
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(model.to_bytes())
        partial.replace(path)
    except OSError:
        pass


@contextmanager
def _one_fit_at_a_time(lock_path: Path) -> Iterator[None]:
    """An exclusive lock on `lock_path` (released by the kernel if the process dies); without a writable
    cache folder, no lock: each process fits its own."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a")
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
