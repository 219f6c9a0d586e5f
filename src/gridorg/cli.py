"""The ``gridorg`` command line.

``gridorg describe --preset yinjiang`` prints a preset's summary, the top of its tree and its
audit; ``gridorg describe FILE`` does the same for a JSON document; ``gridorg validate FILE``
lists every problem of a document and exits non-zero; ``gridorg schema`` prints the JSON
Schema. ``gridorg metrics`` computes named metrics, ``gridorg merge`` runs a merge scenario,
``gridorg simulate`` simulates a year of issues and reports its metrics, and ``gridorg sweep``
runs scenarios over parameters and seeds. Bad input gives a one-line message and exit status 1
(2 for bad usage), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from gridorg import _cli_merge, _cli_metrics, _cli_simulate, _cli_sweep
from gridorg._cli_args import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    PRESETS,
    non_negative,
    positive,
    preset,
)
from gridorg.errors import GridorgError, ValidationError

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridorg",
        description=(
            "Tiered party-grid organisations: describe, validate and export them; compute "
            "their metrics, merge their grids and simulate the issues they handle."
        ),
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    describe = commands.add_parser(
        "describe", help="summary, tree and audit of a preset or a JSON file"
    )
    source = describe.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="a gridorg JSON document (.json or .json.gz)")
    source.add_argument("--preset", choices=PRESETS, help="a built-in organisation")
    describe.add_argument(
        "--depth",
        type=non_negative,
        default=2,
        metavar="N",
        help="tree levels to show below the roots (default 2)",
    )
    describe.add_argument(
        "--children",
        type=positive,
        default=8,
        metavar="N",
        help="children shown per unit before summarising the rest (default 8)",
    )
    describe.add_argument(
        "--findings",
        type=non_negative,
        default=10,
        metavar="N",
        help="audit findings listed in full (default 10; all are counted)",
    )
    describe.add_argument("--json", action="store_true", help="print a JSON report instead")
    describe.set_defaults(run=_describe)

    validate = commands.add_parser("validate", help="check a JSON document; list every problem")
    validate.add_argument("file", help="a gridorg JSON document (.json or .json.gz)")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of gridorg documents")
    schema.set_defaults(run=_schema)

    _cli_metrics.add_parser(commands)
    _cli_merge.add_parser(commands)
    _cli_simulate.add_parser(commands)
    _cli_sweep.add_parser(commands)
    return parser


def _version() -> str:
    from gridorg import __version__

    return f"gridorg {__version__}"


def _load(path: str) -> Organisation:
    from gridorg.schema import load_file

    return load_file(path)


def _describe(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from gridorg.display import summary_text

    org = preset(args.preset) if args.preset else _load(args.file)
    findings = org.audit()
    if args.json:
        report = {
            "name": org.name,
            "units": len(org),
            "by_tier": org.counts("tier"),
            "by_form": {
                ("none" if f is None else f.value): c for f, c in org.counts("form").items()
            },
            "totals": {
                f: int(org.totals(f)[org.column("parent") < 0].sum())
                for f in ("households", "party_members", "gridders")
            },
            "findings": [
                {"code": f.code, "unit": f.unit, "severity": f.severity, "message": f.message}
                for f in findings
            ],
        }
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    out.write(summary_text(org) + "\n\n")
    out.write(org.render(max_depth=args.depth, max_children=args.children) + "\n\n")
    out.write(_findings_text(findings, args.findings) + "\n")
    return EXIT_OK


def _findings_text(findings: Sequence[object], listed: int) -> str:
    from gridorg.audit import Finding

    items = [f for f in findings if isinstance(f, Finding)]
    if not items:
        return "Audit: no findings."
    by_code = Counter(f.code for f in items)
    lines = [f"Audit: {len(items)} findings"]
    lines.extend(f"  {count:>6}  {code}" for code, count in by_code.most_common())
    if listed:
        lines.append("")
        lines.extend(f"  [{f.severity}] {f.message}" for f in items[:listed])
        if len(items) > listed:
            lines.append(f"  ... and {len(items) - listed} more")
    return "\n".join(lines)


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        org = _load(args.file)
    except ValidationError as error:
        out.write(f"{args.file}: invalid, {len(error.problems)} problems\n")
        for problem in error.problems:
            out.write(f"{args.file}: {problem.message}\n")
        return EXIT_INVALID
    out.write(f"{args.file}: valid, {len(org):,} units\n")
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from gridorg.schema import json_schema

    out.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        status: int = args.run(args, out, err)
    except ValidationError as error:
        first = error.problems[0].message if error.problems else str(error)
        more = len(error.problems) - 1
        tail = f" (and {more} more problems; 'gridorg validate' lists them)" if more else ""
        err.write(f"gridorg: error: {error.subject}: {_one_line(first)}{tail}\n")
        return EXIT_INVALID
    except GridorgError as error:
        err.write(f"gridorg: error: {_one_line(str(error))}\n")
        return EXIT_INVALID
    except KeyboardInterrupt:
        err.write("\ngridorg: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except OSError as error:
        reason = error.strerror or str(error)
        name = f": {error.filename}" if error.filename else ""
        err.write(f"gridorg: error: {_one_line(reason)}{name}\n")
        return EXIT_INVALID
    return status


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
