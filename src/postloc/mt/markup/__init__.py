"""Inline Markdown ⇄ engine text: protect markup before an engine, restore it after."""
