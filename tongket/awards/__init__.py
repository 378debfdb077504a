"""Awards and commendations, their eligibility and the award register."""
