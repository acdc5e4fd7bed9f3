"""Domain errors: each message names what is wrong and where."""


class KioskError(Exception):
    """Base of errors that are shown to the user as they are."""


class NoEventError(KioskError):
    pass


class NotFoundError(KioskError):
    pass


class ValidationError(KioskError):
    pass


class StorageError(KioskError):
    """The database cannot be used as asked: nothing was recorded. Raised as one of the
    kinds below, so that callers decide by type, never by the words of the message."""


class DatabaseMissing(StorageError):
    """The database file does not exist (or its folder does not)."""


class DatabaseUnavailable(StorageError):
    """It cannot be opened or read: damaged, another application's file, not a database."""


class DatabaseUnwritable(StorageError):
    """It can be read but not written now: read-only, disk full, busy (locked elsewhere)."""


class SigningKeyMissing(KioskError):
    """This station holds only the public key: it can verify badges but not issue them."""
