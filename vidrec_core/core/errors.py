"""User-facing errors: each message says what went wrong and what to do, and is shown without a traceback."""

from vidrec_core.core.plaintext import visible


class VidrecError(Exception):
    """Base class for problems caused by input or environment, not by a bug. Its message is always one visible
    line, even when it quotes control or bidi characters from a bad file.

    `detail` keeps what a library said (a parser's own message, say) for engineers: pages and the command line show
    the plain message, and the detail only folded away under a label for engineers (the Data page) or with --debug
    (the command line). It is optional, so `VidrecError("message")` works as it always did.
    """

    def __init__(self, *args: object, detail: str | None = None) -> None:
        super().__init__(*args)
        self.detail = detail

    def __str__(self) -> str:
        return visible(super().__str__())


class CatalogError(VidrecError):
    """A catalog file cannot be read or has no usable rows."""


class HistoryError(VidrecError):
    """A viewing history cannot be used as given."""


class EncoderError(VidrecError):
    """A model cannot be loaded or used."""


class Cancelled(VidrecError):
    """Long work was stopped on request; what finished before is kept (and said so)."""
