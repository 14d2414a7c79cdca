"""The documented endpoint table (``ambraconf.facts.ENDPOINTS``) as the sandbox reads it.

For each documented URL the table holds its parameters, required parameters,
permission and error codes, extracted from the official documentation. The
sandbox takes the permission an endpoint needs from here, so a permission is
written once, by the documentation; the coverage list and its tests compare the
emulated paths and parameters with the documented ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ambraconf.facts import ENDPOINTS, EndpointFact, permission_fact

SYSADMIN = "sysadmin or support"
# Where a permission text stops naming permissions and starts qualifying them.
QUALIFIER = re.compile(r",|\n| IF | in the account")


@dataclass(frozen=True)
class DocumentedEndpoint:
    """One documented URL as the sandbox reads it: the permission its text names."""

    fact: EndpointFact

    @property
    def permission(self) -> str:
        return self.fact.permission

    def needs(self) -> tuple[str, ...]:
        """The permission names the text offers, any one of which suffices."""
        head = QUALIFIER.split(self.permission, maxsplit=1)[0]
        names = (word.strip() for word in head.split(" or "))
        return tuple(name for name in names if permission_fact(name) is not None)

    @property
    def sysadmin(self) -> bool:
        return self.permission.startswith(SYSADMIN)

    def takes(self, name: str) -> bool:
        """Whether ``name`` is a documented parameter, also of a ``prefix_{NAME}`` family."""
        return self.fact.takes(name)


DOCUMENTED: dict[str, DocumentedEndpoint] = {
    path: DocumentedEndpoint(fact) for path, fact in ENDPOINTS.items()
}
