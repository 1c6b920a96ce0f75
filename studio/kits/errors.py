"""The one error a kit loader raises, worded for a music mentor, not a programmer."""


class KitError(ValueError):
    """A kit or a sound could not be used. str(error) is one plain sentence to show as it is.

    A ValueError, so the ward-studio command prints it as one line instead of a traceback.
    """
