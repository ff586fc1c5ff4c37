"""The versioned JSON API for dealers' own systems, authenticated by per-dealer tokens."""
