"""Custom actions. Thin: they read the tracker and call lotse.* modules that build replies."""
