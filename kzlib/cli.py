"""The `kz` command line: one subcommand per job, data problems shown as a list, never a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from kzlib import files, paths, plans, settings
from kzlib.errors import SHOWN_PROBLEMS, DataError, KzError, ObservationError, more_line


def _lazy(name: str) -> ModuleType:
    """A module imported on first use: `kz render` with nothing to do must finish in well under a second."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Keep module-level imports light: heavy modules (pandas, kzlib.registry/observations/...) through _lazy.
pd = _lazy("pandas")
observations = _lazy("kzlib.observations")
context = _lazy("kzlib.context")
tables = _lazy("kzlib.tables")

LISTINGS = ("targets", "assess", "data gaps")  # commands whose output may be cut short by a closed pipe (| head)
INTERRUPTED = 130

TARGET_CSV_COLUMNS = [
    "id", "action", "item", "indicator", "kind", "comparator", "value", "value_high", "unit", "target_year",
    "base_year", "direction", "firmness", "name_zh", "name_en", "quote",
]


def _cmd_targets(args: argparse.Namespace) -> int:
    reg = context.load_registry()
    context.check_action(reg, args.action)
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


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable `--data FILE` option (extra observation or milestone files, later ones win)."""
    parser.add_argument(
        "--data", action="append", default=[], metavar="FILE",
        help="extra observations or milestones (.csv or .xlsx); repeatable; a later file overrides the shipped "
             "data and earlier files for the same indicator (or target) and year",
    )
    add_jumps_argument(parser)


def add_jumps_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--accept-jumps`: take new figures far off their neighbour year (refused by default as unit slips)."""
    parser.add_argument("--accept-jumps", action="store_true",
                        help="take new figures that are many times above or below the neighbouring year's figure "
                             "(refused by default: usually a unit slip)")


def _refuse_jumps(args: argparse.Namespace, reg) -> None:
    """Raise ObservationError when a --data figure is far off its neighbour year, unless --accept-jumps."""
    if args.data and not args.accept_jumps:
        jumps = observations.observation_report(*args.data, registry=reg, strict=False).jumps
        if jumps:
            raise ObservationError(jumps)


def _where(file: str | None, sheet: str | None, row: int | None) -> str:
    """filled.xlsx, sheet 区统计局, row 4 (no sheet for a CSV)."""
    return f"{file}, sheet {sheet}, row {row}" if sheet else f"{file} row {row}"


def _changes_table(changes: list[observations.Change], overridden: bool, key: str) -> str:
    rows = [{key: c.key, "year": c.year, **({"old": observations.as_text(c.old_value)} if overridden else {}),
             "value": observations.as_text(c.value), "unit": c.unit,
             **({"replaces": _where(c.old_file, c.old_sheet, c.old_row)} if overridden else {}),
             "from": _where(c.file, c.sheet, c.row)}
            for c in changes]
    return tables.terminal_table(pd.DataFrame(rows), limit=100)


def _print_report(report: observations.Report, files: list[str], what: str, verb: tuple[str, str]) -> None:
    """Print what the files add and override, and the notes on them."""
    key = "target" if "target" in report.frame.columns else "indicator"
    for file in files:
        n = report.rows_read.get(file, 0)
        print(f"{file}: {n} row{'s' if n != 1 else ''} read")
    n_add, n_over = len(report.added), len(report.overridden)
    if report.added:
        print(f"\n{verb[0]} {n_add} {what}{'s' if n_add != 1 else ''}:")
        print(_changes_table(report.added, False, key))
    if report.overridden:
        print(f"\n{verb[1]} {n_over} {what}{'s' if n_over != 1 else ''} (the later file wins):")
        print(_changes_table(report.overridden, True, key))
    if report.notes:
        print("\nNotes:")
        print("\n".join([*(f"  - {n}" for n in report.notes[:SHOWN_PROBLEMS]), *more_line(report.notes[SHOWN_PROBLEMS:])]))


def _cmd_data_check(args: argparse.Namespace) -> int:
    reg = context.load_registry()
    obs = observations.observation_report(*args.files, registry=reg, strict=False)
    mil = observations.milestone_report(*args.files, registry=reg, strict=False)
    print(f"{obs.files[0]}: {obs.rows_read.get(obs.files[0], 0)} figures shipped\n")
    _print_report(obs, obs.files[1:], "figure", ("Would add", "Would override"))
    milestone_files = [f for f in mil.files[1:] if f not in obs.files]
    if milestone_files:
        print()
        _print_report(mil, milestone_files, "milestone state", ("Would add", "Would override"))
    problems = list(dict.fromkeys(obs.problems + mil.problems + ([] if args.accept_jumps else obs.jumps)))
    if problems:
        print(f"\nRejected: {len(problems)} problem{'s' if len(problems) != 1 else ''} (listed on standard error); "
              "fix them and check again.")
        raise ObservationError(problems)
    print("\nNo problems: use the files with --data, or merge them with `kz data add FILE`.")
    return 0


def _cmd_data_gaps(args: argparse.Namespace) -> int:
    from kzlib import datarequest

    ctx = context.load(args.data, None)
    reg, obs = ctx.registry, ctx.observations
    _refuse_jumps(args, reg)
    end = args.end if args.end is not None else (
        datarequest.last_year() if args.format == "xlsx" else settings.PLAN_END)
    years = range(args.start if args.start is not None else settings.GAP_FIRST_YEAR, end + 1)
    if args.format == "table":
        table = observations.gaps(reg, obs, years).drop(columns="name_en" if args.lang == "zh" else "name_zh")
        tables.write_table(table, "table", args.output)
        return 0
    if args.format == "xlsx":
        if args.output is None:
            raise KzError("--format xlsx needs an output file: -o 数据征集表.xlsx")
        todo = datarequest.write_request(args.output, reg, obs, years, lang=args.lang)
        print(f"{args.output}: data request for {years.start}-{years.stop - 1}, {len(todo)} department sheets, "
              f"{sum(todo.values())} cells to fill")
        return 0
    sheet = observations.gap_worksheet(reg, obs, years)
    if args.format == "csv" and args.output is not None:
        # With a BOM, so that Excel shows the Chinese names when the statistician opens the file.
        files.write_atomic(args.output, tables.spreadsheet_safe(sheet).to_csv(index=False), encoding="utf-8-sig")
    else:
        tables.write_table(sheet, args.format, args.output)
    return 0


def _cmd_data_add(args: argparse.Namespace) -> int:
    report = observations.merge_file(args.file, accept_jumps=args.accept_jumps)
    what = "milestone state" if "target" in report.frame.columns else "figure"
    print(f"Merged {args.file} into {report.files[0]}.")
    _print_report(report, report.files[1:], what, ("Added", "Replaced"))
    if not report.added and not report.overridden:
        print("Nothing to add: the file holds no figures.")
    print(f"\n{report.files[0]} now holds {len(report.frame[report.frame['file'] != 'derived'])} rows.")
    return 0


def _cmd_data_draft(args: argparse.Namespace) -> int:
    from kzlib import bulletin, documents

    reg = context.load_registry()
    doc = documents.read_document(args.bulletin)
    result = bulletin.draft(doc.text, reg, year=args.year, title=doc.title, source_title=args.source_title,
                            source_link=args.source_link, source_date=args.source_date, file=args.bulletin)
    written = bulletin.write_draft(result, args.output) if args.output else None
    obs, missed = result.observations, result.unmapped
    source = args.source_title or result.header.title
    print(f"{args.bulletin}: {len(obs)} figure{'s' if len(obs) != 1 else ''} drafted for "
          f"{args.year or result.header.year} from {source}")
    if len(obs):
        shown = obs.assign(value=obs["value"].map(observations.as_text))
        print(tables.terminal_table(shown[["indicator", "year", "value", "unit", "flags", "quote"]], limit=60))
    if len(missed):
        where = f" (written to {written[1]})" if written else ""
        print(f"\n{len(missed)} number{'s' if len(missed) != 1 else ''} not mapped{where}:")
        print(tables.terminal_table(missed[["figure", "line", "reason", "sentence"]], limit=60))
    if obs.empty:
        raise bulletin.DocumentError([bulletin.Problem(args.bulletin, "no figure could be drafted: none of its "
                                                                      "wording is known (see the list above)")])
    if written:
        print(f"\nDraft written to {written[0]}; next: `kz data check {written[0]}`, then `kz data add {written[0]}`.")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from kzlib import render

    langs = settings.LANGS if args.lang == "both" else (args.lang,)
    try:
        report = render.render(args.action or None, langs, scenario=args.scenario, data=args.data,
                               as_of=args.as_of, jobs=args.jobs, out=args.out, force=args.force,
                               accept_jumps=args.accept_jumps)
    except render.Interrupted as exc:
        print(f"kz render: interrupted; {exc.report.interrupted_summary()}", file=sys.stderr, flush=True)
        return INTERRUPTED
    print(report.summary() + (f" -> {Path(args.out or render.paths.OUTPUTS) / 'html' / 'index.html'}"))
    for key, message in report.failed:
        print(f"kz render: FAILED {message}" if message.startswith(key) else f"kz render: FAILED {key}: {message}",
              file=sys.stderr)
    return 0 if report.ok else 1


def _cmd_charts(args: argparse.Namespace) -> int:
    from kzlib import charts

    ctx = context.load(args.data, args.scenario, args.as_of)
    context.check_action(ctx.registry, args.action)
    _refuse_jumps(args, ctx.registry)
    langs = settings.LANGS if args.lang == "both" else (args.lang,)
    with files.staged_folder(args.output) as stage:  # every chart appears whole, or not at all
        written = charts.write_charts(ctx.assessment, ctx.observations, ctx.paths, stage, langs,
                                      [args.action] if args.action else None, args.format, registry=ctx.registry,
                                      scenario_labels={"zh": ctx.scenario.label_zh, "en": ctx.scenario.label_en},
                                      dpi=args.dpi, now=dt.date.today().year)
    print(f"{len(written)} chart{'s' if len(written) != 1 else ''} written to {args.output}/")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from kzlib import doctor

    return doctor.run()


ASSESS_CSV_COLUMNS = [
    "id", "action", "status", "ratio", "base_year", "base_value", "latest_year", "latest_value", "target_value",
    "gap", "required_growth", "probability",
]
ASSESS_TABLE_COLUMNS = [
    "id", "kind", "status", "ratio", "latest_year", "latest_value", "target_value", "gap", "required_growth",
    "probability", "name_zh",
]


def _cmd_assess(args: argparse.Namespace) -> int:
    ctx = context.load(args.data, args.scenario, args.as_of, args.method, action=args.action)
    _refuse_jumps(args, ctx.registry)
    df = ctx.assessment.copy()
    if args.format != "json":
        df["broken_years"] = df["broken_years"].map(lambda ys: ";".join(map(str, ys)))
    if args.format == "table":
        cols = ASSESS_TABLE_COLUMNS + (["scenario_value", "scenario_status"] if args.scenario else [])
        tables.write_table(df[cols], "table", args.output)
    else:
        if args.format == "xlsx" and args.output is None:
            raise KzError("--format xlsx needs an output file: -o assessment.xlsx")
        extra = [c for c in df.columns if c not in ASSESS_CSV_COLUMNS]
        tables.write_table(df[ASSESS_CSV_COLUMNS + extra], args.format, args.output)
    return 0


def _cmd_plan_draft(args: argparse.Namespace) -> int:
    from kzlib import paths, plandraft, registry

    text = plandraft.read_plan_text(args.plan)
    folder = args.indicators or paths.REGISTRY / "indicators"
    known = [] if args.indicators == "none" else plandraft.known_indicators(folder)
    out = Path(args.output)
    draft = plandraft.draft_plan(text, args.id or out.resolve().name, known)
    plandraft.write_pack(draft, text, out, force=args.force)
    reg = registry.load_registry(root=out / "registry", plan=out / "plan.txt")  # the draft loads as written
    print(plandraft.summary(draft, len(reg.targets), args.plan, out))
    return 0


def _cmd_plan_list(args: argparse.Namespace) -> int:
    from kzlib import paths, plans, registry

    here = plans.current().folder
    folders = [plans.folder_of(name) for name in paths.plan_ids()]
    rows, broken = [], []
    for folder in [*folders, *([] if here in folders else [here])]:
        try:
            plan = plans.load(folder)
            reg = registry.load_registry(plan=folder)
        except KzError as exc:  # listed as broken, the others still listed; the command then fails
            broken.append(exc)
            rows.append({"": "", "id": folder.name, "years": "?", "base": "?", "sections": "?", "targets": "?",
                         "title_zh": "(does not load: see below)", "folder": paths.shown(folder)})
            continue
        rows.append({"": "*" if folder == here else "", "id": plan.id, "years": f"{plan.start_year}-{plan.end_year}",
                     "base": plan.base_year, "sections": len(reg.actions), "targets": len(reg.targets),
                     "title_zh": plan.title_zh, "folder": paths.shown(folder)})
    print(pd.DataFrame(rows).to_string(index=False))
    print("\n* in use (kz --plan ID_OR_DIR, or KZ_PLAN, chooses another)")
    if broken:
        raise DataError([p for exc in broken for p in getattr(exc, "problems", [])])
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `kz` with all its subcommands."""
    parser = argparse.ArgumentParser(prog="kz", description="Track a plan's targets (a plan pack in data/plans/).")
    parser.add_argument("--plan", dest="plan_pack", metavar="ID_OR_DIR", help=PLAN_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("targets", help="list the plan's targets")
    p.add_argument("--action", type=int, metavar="N")
    p.add_argument("--kind", choices=settings.TARGET_KINDS)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.set_defaults(func=_cmd_targets)

    data = sub.add_parser("data", help="check, merge and list the observed figures").add_subparsers(
        dest="data_command", required=True)
    p = data.add_parser("check", help="validate observation or milestone files and say what they would change")
    p.add_argument("files", nargs="+", metavar="FILE", help=".csv or .xlsx file(s), in order of precedence")
    add_jumps_argument(p)
    p.set_defaults(func=_cmd_data_check)
    p = data.add_parser("gaps", help="which years of each target's indicator lack a figure; a data request to send",
                        description="As a table: one line per indicator with the years it has and lacks and the "
                                    "department that holds it. As csv: one row per missing indicator and year with "
                                    "empty value and source columns. As xlsx: the data request to forward, one "
                                    "sheet per department, one row per indicator, one column per year. Fill either "
                                    "in and pass it back with --data or `kz data add`.")
    p.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument("--from", dest="start", type=int, metavar="YEAR",
                   help="first year asked for (default: the plan's gap_first_year, two years before its base year)")
    p.add_argument("--to", dest="end", type=int, metavar="YEAR",
                   help="last year asked for (default: the plan's last year; for xlsx, last year, the latest that "
                        "can have been published)")
    p.add_argument("--lang", choices=settings.LANGS, default="zh",
                   help="language of the names and of the xlsx request's headers and instructions (default: zh)")
    add_data_argument(p)
    p.set_defaults(func=_cmd_data_gaps)
    p = data.add_parser("add", help="merge a checked file into the plan's observations.csv (or milestones.csv)")
    p.add_argument("file", metavar="FILE")
    add_jumps_argument(p)
    p.set_defaults(func=_cmd_data_add)
    p = data.add_parser("draft", help="draft a year's figures from a statistical bulletin (text, HTML, .docx, PDF)",
                        description="Read a 统计公报 and write one draft observation per figure whose wording is "
                                    "known (the plan's registry/bulletin_terms.yaml and the registry's names), in the "
                                    "columns `kz data check` reads; every other number is listed in "
                                    "OUT.unmapped.csv (or .xlsx) with the reason. Nothing is merged.")
    p.add_argument("bulletin", metavar="BULLETIN", help=".txt, .html, .docx or .pdf (with a text layer)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the draft to FILE (.csv or .xlsx)")
    p.add_argument("--year", type=int, metavar="YEAR", help="the year of the figures, when the title does not say")
    p.add_argument("--source-title", metavar="TEXT", help="the source title (default: the bulletin's title line "
                                                          "and issuing offices)")
    p.add_argument("--source-link", default="", metavar="URL", help="where the bulletin was published")
    p.add_argument("--source-date", metavar="DATE", help="publication date (default: the date under the title)")
    p.set_defaults(func=_cmd_data_draft)

    p = sub.add_parser("render", help="render the HTML briefs (only those whose inputs changed)",
                       description="Execute notebooks/action.ipynb and overview.ipynb with papermill and export "
                                   "one offline HTML brief each to OUT/html/<lang>/, with OUT/html/index.html, "
                                   "OUT/status.csv and OUT/status.xlsx.")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every action and the overview (the default)")
    which.add_argument("--action", type=int, nargs="+", metavar="N",
                       help="only these actions (no overview)")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="both")
    p.add_argument("--scenario", default="trend", help="scenario name in the plan's scenarios.yaml (default: trend)")
    add_data_argument(p)
    p.add_argument("--as-of", type=int, metavar="YEAR", help="assess with data up to YEAR")
    p.add_argument("--jobs", type=int, metavar="N", help="briefs rendered at once (default: one per core)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: outputs/)")
    p.add_argument("--force", action="store_true", help="render even the briefs whose inputs did not change")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("charts", help="write every chart as PNG or SVG files, for reports in Word",
                       description="Charts of one action (DIR/<lang>/action-NN/<target>.png and dashboard.png) "
                                   "or of all actions plus the overview (DIR/<lang>/overview-status.png, "
                                   "overview-behind.png).")
    p.add_argument("--action", type=int, metavar="N", help="only this action (no overview)")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="both")
    p.add_argument("--format", choices=("png", "svg"), default="png")
    p.add_argument("--dpi", type=int, default=settings.EXPORT_DPI, metavar="N",
                   help=f"resolution of PNG charts (default {settings.EXPORT_DPI}: sharp at full width in Word)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.add_argument("--scenario", default="trend", help="scenario name in the plan's scenarios.yaml (default: trend)")
    add_data_argument(p)
    p.add_argument("--as-of", type=int, metavar="YEAR", help="assess with data up to YEAR")
    p.set_defaults(func=_cmd_charts)

    p = sub.add_parser("assess", help="judge every target: status, growth ratio, gap, pace, probability")
    p.add_argument("--action", type=int, metavar="N")
    p.add_argument("--as-of", dest="as_of", type=int, metavar="YEAR", help="use only observations up to YEAR")
    p.add_argument("--scenario", metavar="NAME", help="a scenario from the plan's scenarios.yaml (trend, plan, ...)")
    p.add_argument("--method", choices=("auto", "growth_ratio", "linear"), default="auto",
                   help="auto (default): shares, rates, ratios and densities on the linear path (序时进度), amounts "
                        "and counts on the compound path; or force one method")
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    add_data_argument(p)
    p.set_defaults(func=_cmd_assess)

    plan = sub.add_parser("plan", help="work with plan texts").add_subparsers(dest="plan_command", required=True)
    p = plan.add_parser("draft", help="draft a plan pack (sections, targets, review list) from a plan's text",
                        description="Read a Chinese plan text (UTF-8 or GBK) and write a draft pack to DIR: "
                                    "plan.yaml, plan.txt, registry/ (actions, indicators, one targets file per "
                                    "section) and REVIEW.md with review.csv, which list every target's confidence "
                                    "and every clause with a figure or milestone verb that was not read.")
    p.add_argument("plan", metavar="PLAN.txt", help="the plan's text")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the draft pack")
    p.add_argument("--force", action="store_true", help="replace the draft files in a folder that is not empty")
    p.add_argument("--id", help="the plan's id in plan.yaml (default: the name of DIR)")
    p.add_argument("--indicators", metavar="DIR",
                   help="reuse the indicators of this folder when their name_zh is a target's subject "
                        "(default: the plan's registry/indicators); 'none' proposes every indicator anew")
    p.set_defaults(func=_cmd_plan_draft)
    p = plan.add_parser("list", help="the plan packs in data/plans/ (and the one in use), with their years and size")
    p.set_defaults(func=_cmd_plan_list)
    p = sub.add_parser("doctor", help="check this environment against requirements.lock and say what to fix",
                       description="Print the versions that matter (Python, kzlib, pandas, matplotlib, papermill, "
                                   "nbconvert, the CJK font), whether every distribution is installed as "
                                   "requirements.lock pins it, and whether Chromium is there for the print check; "
                                   "exit 1 when something is off.")
    p.set_defaults(func=_cmd_doctor)
    for leaf in _leaves(parser):  # `kz render --plan X` as well as `kz --plan X render`
        leaf.add_argument("--plan", dest="plan_pack", metavar="ID_OR_DIR", default=argparse.SUPPRESS, help=PLAN_HELP)
    return parser


PLAN_HELP = ("the plan to work on: the id of a pack in data/plans/ or a folder holding plan.yaml (default: KZ_PLAN, "
             "else kaizhou-2023-2027)")


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of every subcommand that takes arguments (kz targets, kz data check, …)."""
    found = []
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for child in action.choices.values():
            found += _leaves(child) if child._subparsers else [child]
    return found


def _name(args: argparse.Namespace) -> str:
    """The subcommand as typed: `data add`, `render`."""
    sub = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {sub}" if sub else args.command


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that the closed pipe is not written to again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Run `kz` with the given arguments; return the exit code: 0 only when everything asked for was done,
    1 when something failed, 2 for problems in the data, 130 when interrupted."""
    args = build_parser().parse_args(argv)
    name = _name(args)
    try:
        plans.use(args.plan_pack)  # the whole command, and the kernels it starts, work on this plan
        if args.command in ("data", "render"):
            files.clean_leftovers(paths.PLAN_DIR)
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not after main has returned
        return code
    except KeyboardInterrupt:
        print(f"kz {name}: interrupted", file=sys.stderr, flush=True)
        return INTERRUPTED
    except KzError as exc:
        print(f"kz {name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        _quiet_stdout()
        if name in LISTINGS and getattr(args, "output", None) is None:
            return 0  # the reader stopped reading (kz targets | head): nothing failed
        print(f"kz {name}: standard output was closed before the command finished", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the user named cannot be read or written
        print(f"kz {name}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
