"""The command line: a thin click layer over the library, and everything it prints."""
