"""The smallest shared pieces: the error family, located problems, plain words, safe text,
the bounds on values, and writing an output file safely."""
