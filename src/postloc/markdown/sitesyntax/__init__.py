"""Site-generator syntax inside Markdown: Hugo shortcodes, Liquid, kramdown and attribute lists.

Hugo and Jekyll read these tags before (or beside) Markdown, so for postloc they are markup,
never text: byte-identical through extract, machine translation and export, and never seen
by an engine. :mod:`~postloc.markdown.sitesyntax.scan` finds one tag and its parameters in
a text; :mod:`~postloc.markdown.sitesyntax.plugin` teaches the dialect's markdown-it parser
the tags (inline tokens, lines made of tags, code between tag pairs, tags as link
destinations); :mod:`~postloc.markdown.sitesyntax.params` says which parameter values a reader
sees and how a translated value is written back inside its quotes.
"""
