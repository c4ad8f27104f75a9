"""``python -m postloc``: the same command line as the ``postloc`` script."""

from postloc.cli.commands import main

main()
