"""Writing files so that none is ever half-written, even with two runs at once.

- :func:`atomic_path`: a temporary file with a unique name (``tempfile.mkstemp``) in the destination's own
  folder, renamed over the destination only when complete and flushed to disk; removed if anything fails.
  A destination that is a symbolic link is written through to its target (the link stays a link).
- :func:`copy_atomically`: a backup that is complete before anything else happens, or not there at all.
- :class:`FolderLock`: one fill at a time in a folder (``.kpi-fill.lock``, an OS lock released when the
  process ends, even by a crash); a second run is refused at once with :class:`FolderInUse`.
- :func:`describe`: a disk or permission error as one line a person can act on.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import filelock

LOCK_NAME = ".kpi-fill.lock"
PARTIAL_SUFFIX = ".partial"


class FolderInUse(Exception):
    """Another run holds the folder's lock."""


def target_of(path: str | Path) -> Path:
    """Where writing ``path`` should go: the file a symbolic link points to, else ``path`` itself."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _mode_for(target: Path) -> int:
    """The permissions a new file gets (as ``open`` would with the process's umask), or the existing file's."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """A unique temporary path beside ``destination`` (through a symbolic link, beside its target); renamed
    over it if the block succeeds, removed if it fails. A crash leaves only a hidden ``.<name>.*.partial``."""
    target = target_of(destination)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def leftovers(destination: str | Path) -> list[Path]:
    """Temporary files an interrupted write of ``destination`` left behind."""
    target = target_of(destination)
    return sorted(target.parent.glob(f".{target.name}.*{PARTIAL_SUFFIX}")) + [
        p for p in [target.with_name(target.name + PARTIAL_SUFFIX)] if p.exists()  # older versions' name
    ]


def copy_atomically(source: str | Path, destination: str | Path) -> Path:
    """Copy ``source`` to ``destination`` (contents and times): complete, or not there at all."""
    with atomic_path(destination) as temporary:
        shutil.copy2(source, temporary)
    return Path(destination)


class FolderLock:
    """Holds ``<folder>/.kpi-fill.lock`` for each folder while a fill writes there.

    ``with FolderLock(folders):`` raises :class:`FolderInUse` naming the folder when another process holds
    one of them; the locks are released on leaving the block, or by the system if the process dies.
    """

    def __init__(self, folders: Sequence[str | Path]) -> None:
        self.folders = sorted({Path(f) for f in folders})
        self._held: list[filelock.BaseFileLock] = []

    def __enter__(self) -> FolderLock:
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(str(folder / LOCK_NAME), timeout=0)
            try:
                lock.acquire()
            except filelock.Timeout:
                self.__exit__()
                raise FolderInUse(
                    f"{folder} is in use by another kpi fill (it holds {LOCK_NAME}); wait until it has finished, "
                    "or write into another folder (--out)."
                ) from None
            self._held.append(lock)
        return self

    def __exit__(self, *_: object) -> None:
        while self._held:
            self._held.pop().release()


_PROBLEMS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "no permission",
    errno.EPERM: "no permission",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENAMETOOLONG: "the name is too long",
}


def describe(error: OSError) -> str:
    """One line: what failed, where and why (``cannot write out/sales.xlsx: the disk is full``)."""
    problem = _PROBLEMS.get(error.errno or 0) or error.strerror or str(error)
    where = error.filename
    if where is None:
        return f"a file operation failed: {problem}"
    other = f" -> {error.filename2}" if error.filename2 else ""
    return f"cannot use {where}{other}: {problem}"


__all__ = [
    "LOCK_NAME",
    "FolderInUse",
    "FolderLock",
    "atomic_path",
    "copy_atomically",
    "describe",
    "leftovers",
    "target_of",
]
