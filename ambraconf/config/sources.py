"""The files a config was read from, each with a digest of its bytes as they were read.

A saved plan keeps the digests (``engine.planfile``) so that applying it after a file
changed is refused, naming the file. They are taken of the very bytes validate parsed, not
read again later, so an edit made while a plan is being computed cannot slip past.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sources:
    """Every file read for one config (its YAML files, and the files they name, such as a
    custom code's ``code_file:``), by absolute path, with the SHA-256 of its bytes."""

    digests: dict[Path, str] = field(default_factory=dict)

    def read(self, path: Path) -> bytes:
        """The bytes of ``path``, recorded with their digest; ``OSError`` as ``read_bytes``."""
        raw = path.read_bytes()
        self.digests[path.resolve()] = hashlib.sha256(raw).hexdigest()
        return raw

    def relative_to(self, config_path: Path) -> dict[str, str]:
        """The digests by path relative to the config (its directory, or the directory of a
        single config file), ``/``-separated and sorted: what stays the same when the
        checkout moves."""
        root = config_path.resolve()
        if not root.is_dir():
            root = root.parent
        return dict(
            sorted(
                (Path(os.path.relpath(path, root)).as_posix(), digest)
                for path, digest in self.digests.items()
            )
        )
