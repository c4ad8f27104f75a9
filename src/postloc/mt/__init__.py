"""Machine translation: engines, markup protection, the translation memory, drafts in catalogues."""
