"""Databases as earlier releases left them: one SQL fixture per migration revision a
release could have left behind, and the helpers that write and load them (README.md)."""
