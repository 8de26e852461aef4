"""Draw the workflow pictures 流程图 of the state machines from the code itself.

For each state machine the apps declare (``AppConfig.workflow_pictures``: a
model with a django-fsm state field, such as Return, Shipment, RepairTicket)
this writes ``docs/workflow/<model>.dot`` (Graphviz source, generated from
``aftersales.fsm.transitions_of``) and renders it to ``<model>.svg`` with
Graphviz's ``dot``. A test compares the committed ``.dot`` files with what the
code generates now, and each SVG carries the checksum of the source it was
drawn from, so the pictures in the README cannot drift from the code.

    python manage.py draw_workflow          # regenerate (needs Debian's graphviz for the SVGs)
    python manage.py draw_workflow --check  # exit 1 if a committed file is stale
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import translation
from django.utils.module_loading import import_string

from aftersales import registry
from aftersales.fsm import VIA, state_field, transitions_of
from aftersales.registry import WorkflowPicture

OUTPUT = Path(settings.BASE_DIR) / "docs" / "workflow"

# Who fires a transition, read from its permission predicate (domain.md's "who may fire it").
WHO = {
    "is_store_staff_of": "store staff",
    # The staff of the store or repair point a Return was referred to (cases.permissions).
    "is_repair_point_staff_of": "store staff",
    "is_technician": "technician",
    "nobody": "system",
    # The customer's answer to a paid-repair quote (cases.permissions, repairs.models).
    "speaks_for_customer": "hotline or store staff",
    "answers_for_customer": "hotline or store staff",
}
COLOURS = {"store staff": "#1565c0", "technician": "#2e7d32", "system": "#757575", "hotline or store staff": "#ef6c00"}
PARTY_COLOUR = "#6a1b9a"  # a shipment's sender or recipient: store staff or technician by direction
LEGEND = (
    "blue: store staff · green: technician · orange: hotline or store staff · purple: the shipment's sender or "
    "recipient · grey: system\n"
    "dashed: fired by another record (a shipment, a repair ticket, an approval), not by a button on this one"
)


@dataclass(frozen=True)
class Picture:
    name: str
    model: Callable[[], type[models.Model]]
    title: str
    notes: Callable[[str, str], str] = lambda name, target: ""


def _notes(declared: WorkflowPicture) -> Callable[[str, str], str]:
    """An edge's note: the fixed one the app declares for the transition, or the labels (the verdicts of an
    inspection) its {label: target state} mapping leads to the edge's target."""

    def notes(name: str, target: str) -> str:
        if name in declared.target_notes:
            targets = import_string(declared.target_notes[name])
            return " / ".join(str(label) for label, state in targets.items() if state == target)
        return declared.notes.get(name, "")

    return notes


def _picture(declared: WorkflowPicture) -> Picture:
    return Picture(declared.name, lambda: apps.get_model(declared.model), declared.title, _notes(declared))


# The state machines the apps declare (AppConfig.workflow_pictures), in their order.
PICTURES = [_picture(declared) for declared in registry.workflow_pictures()]


def who_fires(permission) -> str:
    if permission is None:
        return "anyone"
    name = getattr(permission, "__name__", "")
    if name in WHO:
        return WHO[name]
    called = set(getattr(getattr(permission, "__code__", None), "co_names", ()))
    if "_sender_may_fire" in called:
        return "sender"
    if "_recipient_may_fire" in called:
        return "recipient"
    return name


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def workflow_dot(picture: Picture) -> str:
    """The Graphviz source of one model's state machine, as the code defines it (deterministic)."""
    model = picture.model()
    field = state_field(model)
    with translation.override("en"):
        labels = {str(value): str(label) for value, label in field.flatchoices}
    edges = []
    for name, items in transitions_of(model).items():
        for item in items:
            targets = getattr(item.target, "allowed_states", None) or [item.target]
            for target in targets:
                edges.append((str(item.source), str(target), name, item))
    edges.sort(key=lambda edge: (list(labels).index(edge[0]), list(labels).index(edge[1]), edge[2]))
    leaving = {source for source, _target, _name, _item in edges}

    title = f"{picture.title} — states and transitions, drawn from the code\n{LEGEND}"
    lines = [
        f"digraph {picture.name} {{",
        f"  label={_quote(title)};",
        '  labelloc=t; fontname="Helvetica"; fontsize=13; rankdir=TB; nodesep=0.5; ranksep=0.45;',
        '  node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  start [shape=point, width=0.15, label=""];',
    ]
    for value, label in labels.items():
        terminal = ", peripheries=2" if value not in leaving else ""
        lines.append(f"  {value} [label={_quote(value + chr(10) + label)}{terminal}];")
    lines.append(f"  start -> {field.get_default()};")
    for source, target, name, item in edges:
        who = who_fires(item.permission)
        via = item.custom.get(VIA)
        note = picture.notes(name, target)
        fired_by = f"{who}, via {via}" if via and via != who else who
        text = name + (f"\n[{note}]" if note else "") + f"\n({fired_by})"
        colour = COLOURS.get(who, PARTY_COLOUR)
        style = ", style=dashed" if via else ""
        lines.append(
            f"  {source} -> {target} [label={_quote(text)}, color={_quote(colour)}, fontcolor={_quote(colour)}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def source_checksum(dot_source: str) -> str:
    return hashlib.sha256(dot_source.encode()).hexdigest()


def svg_marker(dot_source: str) -> str:
    """The comment every rendered SVG carries: which source it was drawn from."""
    return f"<!-- workflow source sha256 {source_checksum(dot_source)} -->"


class Command(BaseCommand):
    help = "Draw the state machines the apps declare (Return, Shipment, RepairTicket) to docs/workflow/ (DOT and SVG)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check that the committed files are current.")

    def handle(self, *args, check: bool = False, **options):
        stale = []
        for picture in PICTURES:
            source = workflow_dot(picture)
            dot_path, svg_path = OUTPUT / f"{picture.name}.dot", OUTPUT / f"{picture.name}.svg"
            current = dot_path.exists() and dot_path.read_text(encoding="utf-8") == source
            drawn = svg_path.exists() and svg_marker(source) in svg_path.read_text(encoding="utf-8")
            if check:
                stale += [str(path) for path, ok in ((dot_path, current), (svg_path, drawn)) if not ok]
                continue
            OUTPUT.mkdir(parents=True, exist_ok=True)
            dot_path.write_text(source, encoding="utf-8")
            if not drawn:
                svg_path.write_text(self._render(source), encoding="utf-8")
            self.stdout.write(f"{dot_path.relative_to(settings.BASE_DIR)}, {svg_path.relative_to(settings.BASE_DIR)}")
        if stale:
            raise CommandError(f"Stale workflow pictures (run `make docs`): {', '.join(stale)}")

    def _render(self, source: str) -> str:
        dot = shutil.which("dot")
        if dot is None:
            raise CommandError("Graphviz's `dot` is missing: install Debian's graphviz package (make docs does).")
        comment = f"workflow source sha256 {source_checksum(source)}"
        result = subprocess.run(  # noqa: S603 - a fixed program on our own generated source
            [dot, "-Tsvg", f"-Gcomment={comment}"], input=source, capture_output=True, text=True, check=True
        )
        return result.stdout
