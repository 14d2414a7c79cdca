"""The per-object strategy the benchmark compares against: what a Terraform provider, or
Ambra's own account-cloning scripts, do with the same API.

``PerObjectClient`` wraps the project's ``AmbraClient`` and offers the calls the engine
makes (``list_all``, ``list_many``, ``read_many``, ``read_each``, ``bundle``, ``call``),
carried out one object at a time: every list of a managed kind is read for its ids and
then each object is fetched with its own ``/<kind>/get``; every write is its own request.
Up to ``threads`` requests are in flight at once (Terraform's default parallelism is 10).
The engine is unchanged, so both strategies make the same plan from the same live state
and the comparison measures only how the API is used.

This lives in ``benchmarks/`` on purpose: it is a yardstick, not a mode of the product.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ambraconf.api import AmbraClient, ApiError, BundleResult, ListRequest
from ambraconf.api.client import Arrival
from ambraconf.api.transport import RequestCounts

DEFAULT_THREADS = 10


class PerObjectClient:
    """One request per object read and per change written, ``threads`` in parallel.

    ``get_paths`` maps the list endpoint of each kind read object by object to its get
    endpoint (``{"/role/list": "/role/get"}``); other lists (destinations, nodes: names
    the config points at, as a Terraform data source would read them) stay lists.
    """

    def __init__(
        self,
        client: AmbraClient,
        get_paths: Mapping[str, str],
        *,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        self.client = client
        self.settings = client.settings
        self.get_paths = dict(get_paths)
        self.threads = threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="per-object")

    def __enter__(self) -> PerObjectClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.client.logout()
        self.client.close()

    def counts(self) -> RequestCounts:
        return self.client.counts()

    def call(self, path: str, params: Mapping[str, Any] | None = None, /, **kw: Any) -> Any:
        return self.client.call(path, params, **kw)

    def list_all(
        self, path: str, list_key: str, params: Mapping[str, Any] | None = None, /, **kw: Any
    ) -> list[dict[str, Any]]:
        items = self.client.list_all(path, list_key, params, **kw)
        return self._fetch_each(path, items)

    def list_many(self, requests: Sequence[ListRequest], **_: Any) -> list[list[dict[str, Any]]]:
        """Each list read for its ids (pages of 5000: the baseline's best case), then one
        get per object."""
        return [self.list_all(r.path, r.list_key, r.params, paged=r.paged) for r in requests]

    def read_many(
        self,
        requests: Sequence[ListRequest],
        gets: Sequence[tuple[str, Mapping[str, Any]]] = (),
        **_: Any,
    ) -> tuple[list[list[dict[str, Any]]], list[BundleResult]]:
        """The lists as ``list_many`` reads them, then each get alone."""
        return self.list_many(requests), self.bundle(gets, idempotent=True)

    def read_each(
        self,
        requests: Sequence[ListRequest],
        gets: Sequence[tuple[str, Mapping[str, Any]]] = (),
        **_: Any,
    ) -> Generator[Arrival, None, None]:
        """``read_many`` handed on as it goes: each get alone, then each list as
        ``list_many`` reads it."""
        for index, result in enumerate(self.bundle(gets, idempotent=True)):
            yield Arrival(index, result=result)
        for index, r in enumerate(requests):
            yield Arrival(index, items=self.list_all(r.path, r.list_key, r.params, paged=r.paged))

    def bundle(
        self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, idempotent: bool | None = None
    ) -> list[BundleResult]:
        """Each call alone, ``threads`` at a time; results in order, as a bundle's are."""

        def one(call: tuple[str, Mapping[str, Any]]) -> BundleResult:
            path, params = call
            try:
                return BundleResult(
                    path, data=self.client.call(path, params, idempotent=idempotent)
                )
            except ApiError as error:
                return BundleResult(path, error=error)

        return list(self._pool.map(one, calls))

    def _fetch_each(self, list_path: str, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        get_path = self.get_paths.get(list_path)
        if get_path is None:
            return list(items)
        uuids = [str(item["uuid"]) for item in items if item.get("uuid")]
        return list(self._pool.map(lambda uuid: self.client.call(get_path, uuid=uuid), uuids))


def get_paths(list_paths: Iterable[str]) -> dict[str, str]:
    """``/role/list`` → ``/role/get`` for each list path given."""
    return {path: path[: -len("/list")] + "/get" for path in list_paths if path.endswith("/list")}
