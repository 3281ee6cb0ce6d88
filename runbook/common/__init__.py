"""The smallest shared pieces: the error family, located problems, plain words, safe text and
the bounds on values."""
