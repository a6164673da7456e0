"""Matplotlib figures of a shot's motion: height, speed, energy and a contact/event timeline.

Figures are built with matplotlib.figure.Figure and drawn by the Agg canvas directly, never
through pyplot, so making a report changes no global matplotlib state (backend, open figures).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter

from bridge.trajectory import Trajectory

PLOTS = {"height": "Height", "speed": "Speed", "energy": "Energy",
         "timeline": "Contacts, fractures and events"}
MAX_LABEL = 30  # characters that fit in the legend column
MAX_LINES = 8  # more lines than this are unreadable; the fastest series are kept


@dataclass
class Series:
    """One plotted body, or the mean of one broken body's fragments."""
    label: str
    height: np.ndarray  # [F] z of the origin, NaN where absent
    speed: np.ndarray  # [F] |linvel|


def make_plots(traj: Trajectory, meta: dict, events: dict) -> dict[str, bytes]:
    """PNG bytes of each plot in PLOTS, keyed by its name."""
    dynamic = dynamic_instances(traj, meta)
    series = sorted(_series(traj, dynamic), key=lambda s: -_mean_speed(s))
    gravity = np.asarray(meta["scene"]["gravity"], float)
    return {"height": _png(_lines(traj, series, "height", "height of origin (m)")),
            "speed": _png(_lines(traj, series, "speed", "speed (m/s)")),
            "energy": _png(_energy(traj, dynamic, gravity)),
            "timeline": _png(_timeline(traj, events))}


def dynamic_instances(traj: Trajectory, meta: dict) -> list[dict]:
    """Moving rigid bodies and fragments with a trajectory: static bodies and liquids left out."""
    return [i for i in meta["instances"] if i["kind"] in ("rigid", "fragment")
            and not i["static"] and i["name"] in traj.pos]


def _series(traj: Trajectory, dynamic: list[dict]) -> list[Series]:
    """A line per rigid body; a broken body's fragments folded into one line of their mean."""
    groups: dict[str, list[str]] = {}
    for inst in dynamic:
        label = f"fragments of {inst['parent']}" if inst["kind"] == "fragment" else inst["name"]
        groups.setdefault(label, []).append(inst["name"])
    return [Series(label, _mean([traj.pos[n][:, 2] for n in names]),
                   _mean([np.linalg.norm(traj.linvel[n], axis=1) for n in names]))
            for label, names in groups.items()]


def _mean(columns: list[np.ndarray]) -> np.ndarray:
    """Per-frame mean over the members that exist; NaN where none does (no warnings)."""
    stack = np.stack(columns)
    count = np.sum(~np.isnan(stack), axis=0)
    return np.where(count > 0, np.nansum(stack, axis=0) / np.maximum(count, 1), np.nan)


def _mean_speed(series: Series) -> float:
    speed = series.speed[~np.isnan(series.speed)]
    return float(speed.mean()) if speed.size else 0.0


def _lines(traj: Trajectory, series: list[Series], field: str, ylabel: str) -> Figure:
    shown = series[:MAX_LINES]
    title = PLOTS[field] if len(series) <= MAX_LINES else \
        f"{PLOTS[field]} ({MAX_LINES} fastest of {len(series)})"
    fig, ax = _figure(traj, title, ylabel)
    for s in shown:
        ax.plot(traj.times, getattr(s, field), label=_text(s.label))
    _legend(ax, bool(shown), "no moving bodies")
    return fig


def energies(traj: Trajectory, dynamic: list[dict], gravity: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """[F] translational kinetic and potential energy (J), summed over the instances present."""
    kinetic = np.zeros(traj.num_frames)
    potential = np.zeros(traj.num_frames)
    for inst in dynamic:
        mass = inst.get("mass") or 0.0
        kinetic += np.nan_to_num(0.5 * mass * np.sum(traj.linvel[inst["name"]] ** 2, axis=1))
        potential += np.nan_to_num(mass * (traj.pos[inst["name"]] @ -gravity))
    return kinetic, potential


def _energy(traj: Trajectory, dynamic: list[dict], gravity: np.ndarray) -> Figure:
    kinetic, potential = energies(traj, dynamic, gravity)
    # Angular velocity is recorded but not the inertia tensor, so rotation's share is missing.
    fig, ax = _figure(traj, "Energy of rigid bodies and fragments", "energy (J)")
    ax.plot(traj.times, kinetic, label="kinetic (translational)")
    ax.plot(traj.times, potential, label="potential (m g h of origin)")
    ax.plot(traj.times, kinetic + potential, label="total", color="black", lw=1.5)
    _legend(ax, bool(dynamic), "no moving bodies")
    return fig


def _timeline(traj: Trajectory, events: dict) -> Figure:
    fig, ax = _figure(traj, PLOTS["timeline"], "contact impulse (N·s)")
    collisions = [c for c in events.get("collisions", []) if c["impulse"] > 0]
    if collisions:
        _stems(ax, np.array([c["time"] for c in collisions]),
               np.array([c["impulse"] for c in collisions]))
    for n, f in enumerate(events.get("fractures", [])):
        _marker(ax, f["time"], f"{f['body']} breaks", "C3", "--", "fracture" if n == 0 else None)
    for n, e in enumerate(events.get("events", [])):
        _marker(ax, e["time"], _event_label(e), "C2", ":", "script event" if n == 0 else None)
    anything = collisions or events.get("fractures") or events.get("events")
    _legend(ax, bool(anything), "no contacts or events")
    return fig


def _stems(ax, times: np.ndarray, impulses: np.ndarray) -> None:
    """Impulse stems; on a log scale when they span decades, so small contacts stay visible."""
    log = impulses.max() > 100 * impulses.min()
    base = impulses.min() / 2 if log else 0.0
    ax.vlines(times, base, impulses, color="C0", lw=1, label="contact impulse")
    ax.plot(times, impulses, "o", color="C0", ms=3)
    if log:
        ax.set_yscale("log")
        # Plain labels and no minor ticks: mathtext 10^k labels and minor ticks would double
        # the time this plot takes to draw.
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.minorticks_off()
    ax.set_ylim(bottom=base)


def _marker(ax, time: float, text: str, color: str, style: str, label: str | None) -> None:
    ax.axvline(time, color=color, ls=style, lw=1.2, label=label)
    ax.text(time, 0.97, f" {_text(text)}", transform=ax.get_xaxis_transform(), rotation=90,
            va="top", ha="right", fontsize=8, color=color)


def _event_label(event: dict) -> str:
    """The script event's action and the body it acted on, e.g. 'push ball'."""
    kind = event.get("kind", "event")
    value = event.get(kind)
    target = value if isinstance(value, str) else \
        (value.get("body") or value.get("name")) if isinstance(value, dict) else None
    return f"{kind} {target}" if target else str(kind)


def _figure(traj: Trajectory, title: str, ylabel: str):
    fig = Figure(figsize=(7.2, 3.0), dpi=100)
    # Fixed margins, the same in every plot: constrained layout would double the drawing time,
    # and equal axes keep the time axes of stacked plots aligned. The right gap holds legends.
    fig.subplots_adjust(left=0.09, right=0.7, bottom=0.15, top=0.9)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11, y=1.0)  # a fixed y skips measuring the ticks to place it
    ax.set(xlabel="time (s)", ylabel=ylabel)
    if traj.num_frames > 1:
        ax.set_xlim(traj.times[0], traj.times[-1])
    ax.grid(alpha=0.3)
    return fig, ax


def _legend(ax, any_lines: bool, empty: str) -> None:
    if any_lines:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center")


def _text(label: str) -> str:
    """A name as short literal text: '$' would start mathtext, a leading '_' hides a legend
    entry, and a long name would run out of the figure."""
    if len(label) > MAX_LABEL:
        label = label[:MAX_LABEL - 1] + "…"
    label = label.replace("$", r"\$")
    return f" {label}" if label.startswith("_") else label


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
