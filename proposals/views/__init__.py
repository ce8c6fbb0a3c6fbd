"""The suggestion pages: lists and a suggestion's page (`suggestions`), its handling
(`handling`) and the desks (`desks`)."""
