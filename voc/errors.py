"""Domain errors. Each carries a Vietnamese message fit to show to the user as is."""


class DomainError(Exception):
    """Base class: `str(error)` is a clear Vietnamese message."""


class ValidationError(DomainError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvalidTransition(DomainError):
    pass


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class ConflictError(DomainError):
    """Someone else changed the same record first; nothing was saved."""
