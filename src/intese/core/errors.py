"""Domain errors: refusals with a message for the person who asked."""


class DomainError(Exception):
    """A rule of the domain refused a change. The message is translated and shown to the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
