"""User-facing errors: each message says what went wrong and what to do, and is shown without a traceback."""

from vidrec_core.core.notice import Notice, detail_of
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

    @property
    def message(self) -> str:
        """The message as raised: a `Notice` keeps the setting or command an engineer acts on apart from the words
        (the command line prints both, `whole(exc.message)`)."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)

    @property
    def notice(self) -> Notice:
        """What the app shows: the plain words, and for its engineers' expander what to set or run and what a
        library said."""
        details = (detail_of(self.message), self.detail or "")
        return Notice(str(self), " ".join(d.strip() for d in details if d and d.strip()))


class CatalogError(VidrecError):
    """A catalog file cannot be read or has no usable rows."""


class HistoryError(VidrecError):
    """A viewing history cannot be used as given."""


class EncoderError(VidrecError):
    """A model cannot be loaded or used."""


class Cancelled(VidrecError):
    """Long work was stopped on request; what finished before is kept (and said so)."""
