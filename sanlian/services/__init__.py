"""The domain rules: keyword-only functions, session first, never print, ``today`` passed in."""
