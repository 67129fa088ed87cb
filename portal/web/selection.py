"""Ticked rows of a table, as a browser reports them."""

from __future__ import annotations


def toggled(selected: list[str], item_id: object, checked: object, shown: set[str]) -> list[str]:
    """`selected` with `item_id` ticked or unticked; ids not on screen are ignored."""
    if not isinstance(item_id, str) or item_id not in shown:
        return selected
    chosen = set(selected)
    if checked is True:
        chosen.add(item_id)
    else:
        chosen.discard(item_id)
    return sorted(chosen)
