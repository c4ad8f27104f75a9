"""Quality checks of translations: plain check functions returning findings, and their runner."""
