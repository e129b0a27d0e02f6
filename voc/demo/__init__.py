"""Generated demo data, clearly labelled as demo: case histories and the customers' texts."""
