"""Assessment rounds: loading score sources and computing results (pure core)."""
