"""A contract's life: the actions a person takes on it (actions) and what happens to it as the days pass (roll)."""
