"""The ``gridorg`` command line.

``gridorg describe --preset yinjiang`` prints a preset's summary, the top of its tree and its
audit; ``gridorg describe FILE`` does the same for a JSON document; ``gridorg validate FILE``
lists every problem of a document and exits non-zero; ``gridorg schema`` prints the JSON
Schema. Bad input gives a one-line message and exit status 1 (2 for bad usage), never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from gridorg.errors import GridorgError, ValidationError

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _presets() -> dict[str, Callable[[], Organisation]]:
    from gridorg import datasets

    return {"yinjiang": datasets.yinjiang, "songtao": datasets.songtao}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridorg",
        description="Tiered party-grid organisations: describe, validate and export them.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    describe = commands.add_parser(
        "describe", help="summary, tree and audit of a preset or a JSON file"
    )
    source = describe.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="a gridorg JSON document (.json or .json.gz)")
    source.add_argument("--preset", choices=sorted(_presets()), help="a built-in organisation")
    describe.add_argument(
        "--depth",
        type=_non_negative,
        default=2,
        metavar="N",
        help="tree levels to show below the roots (default 2)",
    )
    describe.add_argument(
        "--children",
        type=_positive,
        default=8,
        metavar="N",
        help="children shown per unit before summarising the rest (default 8)",
    )
    describe.add_argument(
        "--findings",
        type=_non_negative,
        default=10,
        metavar="N",
        help="audit findings listed in full (default 10; all are counted)",
    )
    describe.add_argument("--json", action="store_true", help="print a JSON report instead")

    validate = commands.add_parser("validate", help="check a JSON document; list every problem")
    validate.add_argument("file", help="a gridorg JSON document (.json or .json.gz)")

    commands.add_parser("schema", help="print the JSON Schema of gridorg documents")
    return parser


def _version() -> str:
    from gridorg import __version__

    return f"gridorg {__version__}"


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected an integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 0:
        msg = f"expected a non-negative integer, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        msg = "expected a positive integer, got 0"
        raise argparse.ArgumentTypeError(msg)
    return value


def _load(path: str) -> Organisation:
    from gridorg.schema import load_file

    return load_file(path)


def _describe(args: argparse.Namespace, out: TextIO) -> int:
    from gridorg.display import summary_text

    org = _presets()[args.preset]() if args.preset else _load(args.file)
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


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        org = _load(args.file)
    except ValidationError as err:
        out.write(f"{args.file}: invalid, {len(err.problems)} problems\n")
        for problem in err.problems:
            out.write(f"{args.file}: {problem.message}\n")
        return EXIT_INVALID
    out.write(f"{args.file}: valid, {len(org):,} units\n")
    return EXIT_OK


def _schema(out: TextIO) -> int:
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
        if args.command == "describe":
            return _describe(args, out)
        if args.command == "validate":
            return _validate(args, out)
        return _schema(out)
    except ValidationError as error:
        first = error.problems[0].message if error.problems else str(error)
        more = len(error.problems) - 1
        tail = f" (and {more} more problems; 'gridorg validate' lists them)" if more else ""
        err.write(f"gridorg: error: {error.subject}: {first}{tail}\n")
        return EXIT_INVALID
    except GridorgError as error:
        err.write(f"gridorg: error: {' '.join(str(error).split())}\n")
        return EXIT_INVALID
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except OSError as error:
        reason = error.strerror or str(error)
        name = f": {error.filename}" if error.filename else ""
        err.write(f"gridorg: error: {reason}{name}\n")
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
