"""The error vocabulary every layer speaks; `api/errors.py` alone maps it to HTTP.

DomainError
 ├── NotFound            an id that names nothing (404)
 ├── ValidationFailed    input that breaks a field rule; carries {field path: [reasons]} (400)
 ├── RuleViolation       a business rule refuses the request (400)
 ├── Unauthenticated     no key, or a key we do not know (401)
 └── PermissionDenied    the key's user lacks the operation's permission (403)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Something the caller asked for cannot be done."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        super().__init__(self.message)


class NotFound(DomainError):
    """The requested resource was not found."""

    def __init__(self, what: str | None = None, ident: object = None) -> None:
        if what is None:
            super().__init__()
        elif ident is None:
            super().__init__(f"{what} was not found.")
        else:
            super().__init__(f"{what} {ident} was not found.")


class ValidationFailed(DomainError):
    """The request is invalid."""

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
        super().__init__(message or "The request is invalid.")

    @classmethod
    def single(cls, field: str, reason: str) -> ValidationFailed:
        """One field, one reason."""
        return cls({field: [reason]})


class RuleViolation(DomainError):
    """The request breaks a business rule."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class Unauthenticated(DomainError):
    """Authorization has been denied for this request: a valid ECI-ApiKey header is required."""


class PermissionDenied(DomainError):
    """The API key's user lacks the permission this operation needs."""
