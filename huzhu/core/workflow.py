"""A transition table's parts (STYLE: `workflow.py` wherever an entity has states): each
action names the states it may start from and the state it leads to."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


class Step(Protocol):
    """What the functions below read of a transition (a table may carry more, as the claims'
    carries the duty and the label of each step)."""

    @property
    def sources(self) -> frozenset[str]: ...


def allows(table: Mapping[str, Step], action: str, state: str) -> bool:
    transition = table.get(action)
    return transition is not None and state in transition.sources


def steps(table: Mapping[str, Step], state: str) -> list[str]:
    """The actions that may start from `state`, in the table's order."""
    return [name for name, t in table.items() if state in t.sources]
