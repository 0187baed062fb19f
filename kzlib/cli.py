"""The `kz` command line: one subcommand per job, data problems shown as a list, never a traceback."""

from __future__ import annotations

import argparse
import sys

from kzlib import registry, settings, tables
from kzlib.errors import KzError

TARGET_CSV_COLUMNS = [
    "id", "action", "item", "indicator", "kind", "comparator", "value", "value_high", "unit", "target_year",
    "base_year", "direction", "firmness", "name_zh", "name_en", "quote",
]


def _cmd_targets(args: argparse.Namespace) -> int:
    reg = registry.load_registry()
    df = reg.targets
    if args.action is not None:
        df = df[df["action"] == args.action]
    if args.kind is not None:
        df = df[df["kind"] == args.kind]
    if args.format == "table":
        cols = ["id", "action", "item", "kind", "comparator", "value", "unit", "target_year", "name_zh"]
        tables.write_table(df[cols], "table")
    else:
        extra = [c for c in df.columns if c not in TARGET_CSV_COLUMNS]
        tables.write_table(df[TARGET_CSV_COLUMNS + extra], args.format, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `kz` with all its subcommands."""
    parser = argparse.ArgumentParser(prog="kz", description="Track the Kaizhou action plan (2023-2027).")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("targets", help="list the plan's targets")
    p.add_argument("--action", type=int, choices=range(1, 11), metavar="N")
    p.add_argument("--kind", choices=settings.TARGET_KINDS)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.set_defaults(func=_cmd_targets)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run `kz` with the given arguments; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KzError as exc:
        print(f"kz {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
