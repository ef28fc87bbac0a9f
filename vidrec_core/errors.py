"""User-facing errors: each message says what went wrong and what to do, and is shown without a traceback."""


class VidrecError(Exception):
    """Base class for problems caused by input or environment, not by a bug."""


class CatalogError(VidrecError):
    """A catalog file cannot be read or has no usable rows."""


class HistoryError(VidrecError):
    """A viewing history cannot be used as given."""


class EncoderError(VidrecError):
    """A model cannot be loaded or used."""
