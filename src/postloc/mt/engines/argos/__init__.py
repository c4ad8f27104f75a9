"""Argos Translate: batched CTranslate2 inference over installed ``.argosmodel`` packages."""
