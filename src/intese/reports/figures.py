"""Roll-up figures as the reports show them: every number needed to recompute them in view."""

from dataclasses import dataclass
from decimal import Decimal

from intese.monitoring.status import STATUS_ORDER, Figure, Status


@dataclass
class StatusShare:
    status: str
    label: str
    weight: int
    count: int


@dataclass
class FigureView:
    """A Figure with its parts spelled out: progress = weighted_percent / weight_with_data."""

    figure: Figure

    @property
    def has_commitments(self) -> bool:
        return bool(self.figure.total_weight)

    @property
    def progress(self) -> Decimal | None:
        return self.figure.progress

    @property
    def coverage_percent(self) -> Decimal | None:
        coverage = self.figure.coverage
        return None if coverage is None else (coverage * 100).quantize(Decimal("0.1"))

    @property
    def status(self) -> str:
        return self.figure.status or Status.MISSING

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def count(self) -> int:
        return self.figure.count

    @property
    def total_weight(self) -> int:
        return self.figure.total_weight

    @property
    def weight_with_data(self) -> int:
        return self.figure.weight_with_data

    @property
    def weighted_percent(self) -> int:
        return self.figure.weighted_percent

    @property
    def shares(self) -> list[StatusShare]:
        """Weight and number of commitments in each status, in the published order."""
        return [
            StatusShare(
                status,
                Status(status).label,
                self.figure.weights.get(status, 0),
                self.figure.counts.get(status, 0),
            )
            for status in STATUS_ORDER
        ]


def view(figure: Figure | None) -> FigureView:
    return FigureView(figure or Figure())


def add_state(figure: Figure, weight: int, status: str, percent: int | None) -> None:
    """Add one commitment's state to a figure, as the roll-up query sums them."""
    figure.count += 1
    figure.total_weight += weight
    if percent is not None:
        figure.weight_with_data += weight
        figure.weighted_percent += weight * percent
    figure.weights[status] = figure.weights.get(status, 0) + weight
    figure.counts[status] = figure.counts.get(status, 0) + 1


def figure_of(states) -> Figure:
    figure = Figure()
    for state in states:
        add_state(figure, state.weight, state.status, state.percent)
    return figure
