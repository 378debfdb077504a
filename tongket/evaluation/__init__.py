"""Annual (and quarterly) evaluation and classification of members and organizations."""
