"""The customers' public portal (portal.py): the complaint form, the status lookup, their abuse controls."""
