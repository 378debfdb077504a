"""Unit scorecards (task scoring, PAR index), peer ranking and assigned targets."""
