"""Work programs and inspection/supervision programs with their items."""
