"""A value under its label, the row of every facts list (data_list) the pages show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    """`value` under the label `key` (a message key the page translates), or under `label`
    when the label is data (a name the association gave, already in the reader's language)."""

    key: str
    value: str
    label: str = ""
