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
    """The database cannot be written (disk full, read-only, locked): nothing was recorded."""


class SigningKeyMissing(KioskError):
    """This station holds only the public key: it can verify badges but not issue them."""
