"""postloc: offline translation of Markdown blog posts through gettext catalogues.

The package root stays import-light on purpose: ``postloc --help`` must start
fast, so heavy modules (engines, markdown-it, Babel) load only when used.
"""

__version__ = "0.1.0"
