"""A local emulator of the Ambra v3 Services API, written from its documentation.

It is the independent oracle of the project's tests: it imports nothing from the
client (``ambraconf.kinds``, ``engine``, ``api``, ``config``), only the documented
tables in ``ambraconf.facts``. See docs/sandbox.md.
"""

from ambraconf.sandbox.knobs import Knobs
from ambraconf.sandbox.server import SandboxConfig, SandboxServer

__all__ = ["Knobs", "SandboxConfig", "SandboxServer"]
