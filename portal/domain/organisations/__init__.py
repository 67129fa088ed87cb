"""Organisations: training providers (and, later, other kinds) whose users sign in, propose
activities for the catalogue and report who attended them."""
