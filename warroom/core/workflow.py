"""The workflow definition: phases, artifacts, personas and gates, loaded from data.

The engine is generic; the seed's incident-response workflow is one definition
file (``templates/incident-response/workflow.toml``) plus a Markdown template per
artifact. A team can point warroom at its own directory of the same shape.
"""

from __future__ import annotations

import contextlib
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from warroom.core.vocabulary import FILE_NAME as VOCABULARY_FILE
from warroom.core.vocabulary import (
    Vocabulary,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)
from warroom.resources import data_dir

DEFAULT_WORKFLOW = "incident-response"


class WorkflowError(Exception):
    """A workflow definition that cannot be used; the message names file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArtifactSpec(_Strict):
    """The one artifact a phase produces, e.g. INC-1 Triage Assessment."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*-\d+$")
    title: str = Field(min_length=1)
    template: str = Field(min_length=1)

    @property
    def label(self) -> str:
        return f"[{self.code}]: {self.title}"


class PersonaRef(_Strict):
    """A persona guide the phase adopts (adopt / secondary / panel / prompt)."""

    role: Literal["adopt", "secondary", "panel", "prompt"]
    path: str = Field(min_length=1)

    @property
    def label(self) -> str:
        """The seed's words for the role: "Adopt persona", "Invoke panel", ..."""
        return _PERSONA_LABELS[self.role]


_PERSONA_LABELS = {
    "adopt": "Adopt persona", "secondary": "Secondary persona",
    "panel": "Invoke panel", "prompt": "Invoke prompt",
}


class Criterion(_Strict):
    """One approval criterion; `check` names an automatic check, if the program can judge it."""

    text: str = Field(min_length=1)
    check: str | None = None


class Outcome(_Strict):
    """A gate outcome's name as the seed spells it, and what it leads to."""

    label: str = Field(min_length=1)
    effect: str = ""


class GateSpec(_Strict):
    """A real stop: the next phase stays locked until a named reviewer approves."""

    criteria: tuple[Criterion, ...] = Field(min_length=1)
    approve: Outcome
    send_back: Outcome


class PhaseSpec(_Strict):
    """One phase of the workflow, exactly as the seed describes it."""

    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    artifact: ArtifactSpec
    inputs: tuple[str, ...] = ()
    process: tuple[str, ...] = ()
    personas: tuple[PersonaRef, ...] = ()
    gate: GateSpec | None = None

    @property
    def gated(self) -> bool:
        return self.gate is not None


class Workflow(_Strict):
    """A whole workflow definition, plus the directory its templates live in."""

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    prerequisites: tuple[str, ...] = ()
    phases: tuple[PhaseSpec, ...] = Field(min_length=1)
    directory: Path

    @model_validator(mode="after")
    def _phases_numbered_in_order(self) -> Workflow:
        numbers = [p.number for p in self.phases]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"phases must be numbered 1..{len(numbers)} in order, got {numbers}")
        codes = [p.artifact.code for p in self.phases]
        if len(set(codes)) != len(codes):
            raise ValueError(f"artifact codes must be unique, got {codes}")
        return self

    def phase(self, number: int) -> PhaseSpec:
        """The phase with this number; KeyError if there is none."""
        if 1 <= number <= len(self.phases):
            return self.phases[number - 1]
        raise KeyError(f"no phase {number} in workflow {self.name!r} (1..{len(self.phases)})")

    def phase_for(self, ref: str | int) -> PhaseSpec:
        """Find a phase by number ("2"), artifact code ("INC-2") or name ("mitigate")."""
        text = str(ref).strip()
        if text.isascii() and text.isdigit():
            return self.phase(int(text))
        for p in self.phases:
            if text.upper() == p.artifact.code.upper() or text.lower() == p.name.lower():
                return p
        known = ", ".join(p.artifact.code for p in self.phases)
        raise KeyError(f"no phase or artifact {text!r}; use one of {known}")

    @property
    def vocabulary(self) -> Vocabulary:
        """The words the gate checks read this workflow's artifacts with (vocabulary.toml)."""
        return _vocabulary_in(self.directory)

    def template(self, number: int) -> str:
        """The Markdown template a phase's artifact starts from."""
        return (self.directory / self.phase(number).artifact.template).read_text(encoding="utf-8")


@cache
def _vocabulary_in(directory: Path) -> Vocabulary:
    """A workflow directory's own vocabulary.toml, else the one shipped with warroom."""
    path = directory / VOCABULARY_FILE
    return load_vocabulary(path) if path.is_file() else default_vocabulary()


def _location(loc: tuple[int | str, ...], raw: dict) -> str:
    """Turn a pydantic error location into 'phases[2].gate.criteria' with the phase named."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            if i == 1 and loc[0] == "phases":
                with contextlib.suppress(KeyError, IndexError, AttributeError, TypeError):
                    parts[-1] += f" ({raw['phases'][item].get('name', '?')})"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def load_workflow(directory: Path) -> Workflow:
    """Load and validate a workflow directory; raise WorkflowError naming file and field."""
    path = directory / "workflow.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WorkflowError(f"{path}: cannot read workflow definition ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise WorkflowError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowError(f"{path}: not valid TOML ({exc})") from None
    try:
        workflow = Workflow.model_validate({**raw, "directory": directory})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _location(tuple(first["loc"]), raw)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise WorkflowError(f"{path}: field {where}: {first['msg']}{more}") from None
    try:
        workflow.vocabulary  # noqa: B018 - read now, so a bad file is an error at load
    except VocabularyError as exc:
        raise WorkflowError(str(exc)) from None
    for phase in workflow.phases:
        template = directory / phase.artifact.template
        if not template.is_file():
            raise WorkflowError(
                f"{path}: field phases[{phase.number - 1}] ({phase.name}).artifact.template: "
                f"{template.name} does not exist in {directory}"
            )
    return workflow


@cache
def default_workflow() -> Workflow:
    """The seed's incident-response workflow shipped with warroom."""
    return load_workflow(data_dir("templates") / DEFAULT_WORKFLOW)
