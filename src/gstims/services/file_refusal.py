"""A file refused whole, and the problems of one file (the import and compare use cases of
`files`, `files_actions`, `files_out`): each problem names the place and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gstims.domain.errors import Problem, report_line

MAX_PROBLEMS = 1000
"""Problems kept for the report; beyond that they are only counted."""


class FileRefused(Exception):
    """A file refused whole: nothing of it is stored. Each problem names the place and why."""

    def __init__(self, path: Path | str, problems: Sequence[Problem], more: int = 0) -> None:
        self.path = str(path)
        self.problems = list(problems)
        self.more = more
        first = f": {report_line(self.problems[0])}" if self.problems else ""
        total = len(self.problems) + more
        super().__init__(f"{self.path} refused, {total} problem(s){first}")

    def lines(self) -> list[str]:
        """One line per problem: `file: where: [section number:] reason`."""
        out = [f"{self.path}: {report_line(p)}" for p in self.problems]
        if self.more:
            out.append(f"{self.path}: ... and {self.more} more problem(s)")
        return out


class Problems:
    """Problems of one file, the first `MAX_PROBLEMS` kept."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, problems: Sequence[Problem]) -> None:
        room = MAX_PROBLEMS - len(self.kept)
        self.kept.extend(problems[:room])
        self.more += max(0, len(problems) - room)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def refuse(self, path: Path | str) -> FileRefused:
        return FileRefused(path, self.kept, self.more)
