"""HTTP client of the Ambra v3 Services API: login, form encoding, pagination, bundles,
retries, rate limit and errors."""

from ambraconf.api.client import AmbraClient, BundleResult, ListRequest, is_read
from ambraconf.api.deadline import Deadline
from ambraconf.api.encoding import CommaList, encode_params, encode_value
from ambraconf.api.errors import (
    AmbraError,
    ApiError,
    AuthenticationError,
    CommandTimeout,
    ResponseLost,
    TransportError,
)
from ambraconf.api.settings import ClientSettings
from ambraconf.api.transport import RequestCounts, RetryPolicy, Transport

__all__ = [
    "AmbraClient",
    "AmbraError",
    "ApiError",
    "AuthenticationError",
    "BundleResult",
    "ClientSettings",
    "CommaList",
    "CommandTimeout",
    "Deadline",
    "ListRequest",
    "RequestCounts",
    "ResponseLost",
    "RetryPolicy",
    "Transport",
    "TransportError",
    "encode_params",
    "encode_value",
    "is_read",
]
