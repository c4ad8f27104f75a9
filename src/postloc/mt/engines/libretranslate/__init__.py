"""LibreTranslate servers as one engine: a pool spread over several servers."""
