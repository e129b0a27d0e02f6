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


class ValidationErrors(ValidationError):
    """Every problem found when a form is checked as a whole; `problems` lists them one by one."""

    def __init__(self, problems: list[ValidationError]):
        super().__init__(" ".join(str(p) for p in problems), problems[0].field if problems else None)
        self.problems = problems


class DatabaseUnavailable(DomainError):
    """The configured database cannot be used (VOC_DATABASE_URL): the start stops, never a silent fallback."""
