"""The one error a workflow job reports in a single line: a problem with what the user gave."""


class InputError(ValueError):
    """A file or setting the user gave cannot be used (which file, which key, what is allowed).

    A job that raises it fails with its message as one line, not a traceback: the message is the
    whole story. Programming errors keep their tracebacks.
    """
