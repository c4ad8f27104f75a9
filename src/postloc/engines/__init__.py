"""Machine translation engines behind one protocol (see :mod:`postloc.engines.base`)."""
