"""House settings shared by every module: status classes, thresholds, colours, fonts."""

from __future__ import annotations

# The years of the plan in use come from its plan.yaml (kzlib.plans), read when asked for:
#   PLAN_START, PLAN_END   the plan period (start_year, end_year)
#   DEFAULT_BASE_YEAR      the base year of every target that names none (base_year)
#   DATA_FIRST_YEAR        figures before this year are refused (data_first_year, default base year − 7)
#   GAP_FIRST_YEAR         data requests ask for figures from this year on (gap_first_year, default base year − 2)
PLAN_YEARS = {"PLAN_START": "start_year", "PLAN_END": "end_year", "DEFAULT_BASE_YEAR": "base_year",
              "DATA_FIRST_YEAR": "first_data_year", "GAP_FIRST_YEAR": "first_gap_year"}


def __getattr__(name: str) -> int:
    if name in PLAN_YEARS:
        from kzlib import plans

        return int(getattr(plans.current(), PLAN_YEARS[name]))
    raise AttributeError(f"module 'kzlib.settings' has no attribute {name!r}")

YEAR_RANGE = (2000, 2035)

# Growth-ratio thresholds (Eurostat / Open SDG ProgressMeasure).
ON_TRACK = 0.95
NEEDS_ACCELERATION = 0.60
LEAD_RISKS = 5  # targets most at risk named on the first page of a brief
RISK_PROBABILITY = 0.10  # below this chance of meeting it, a target is a risk whatever its class
MILESTONE_RISK_YEARS = 2  # a milestone not started this close to its year (from its latest record) is a risk
STALE_RECORD_YEARS = 2  # a milestone record this many years old is to be updated
SAME_PACE_POINTS = 0.5  # 同步: two growth rates within this many percentage points keep pace
MIN_CHANGES_FOR_PROBABILITY = 4
SIMULATIONS = 10_000
SEED = 20230709  # the plan's date

TARGET_KINDS = (
    "level", "share", "count", "growth", "change", "multiple", "ratio",
    "range", "maintain", "flow", "compare", "benchmark", "milestone",
)
COMPARATORS = (">", ">=", "<", "<=", "=", "~", "between")
DIRECTIONS = ("up", "down", "band")
FIRMNESS = ("firm", "aspiration")
MEASURES = ("amount", "share", "count", "ratio", "rate", "index", "density")
PRICES = ("current", "constant")
MILESTONE_STATES = ("done", "in_progress", "not_started")

# Status order: best first (their words are in kzlib.labels). Colours are colour-blind safe
# (Okabe-Ito, with Paul Tol's wine for the worst class, his light yellow for at-risk and a pale lilac for a
# single figure).
STATUSES = (
    "achieved", "on_track", "at_risk", "needs_acceleration", "lagging", "moving_away",
    "in_progress", "not_started", "insufficient_data", "not_assessable", "no_data",
)
STATUS_COLOURS = {
    "achieved": "#0072B2", "on_track": "#009E73", "at_risk": "#EEDD88", "needs_acceleration": "#E69F00",
    "lagging": "#D55E00", "moving_away": "#882255", "in_progress": "#56B4E9",
    "not_started": "#CC79A7", "insufficient_data": "#C9B8DB", "not_assessable": "#999999", "no_data": "#DDDDDD",
}

LANGS = ("zh", "en")
KERNEL_NAME = "python3"  # the Jupyter kernel spec the briefs run in

# Charts: the CJK font ships with the PyPI package noto-cjk-sans-otc (OFL); kzlib registers it itself.
# One face per language (the SC face carries Latin as well); DejaVu Sans (bundled with matplotlib)
# catches any symbol the face lacks. Sizes read well in an HTML brief and pasted into Word.
FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
FONT_FAMILY = {"zh": "Noto Sans CJK SC", "en": "Noto Sans CJK SC"}
FONT_FALLBACK = "DejaVu Sans"
FIGURE_WIDTH = 7.0  # inches
FIGURE_HEIGHT = 4.0
HALF_WIDTH = 3.55  # two charts to a row on A4 (the briefs)
HALF_HEIGHT = 2.9
NO_DATA_HEIGHT = 2.6  # a target with no observation yet: a compact panel
FIGURE_DPI = 120
EXPORT_DPI = 200  # kz charts: sharp when a chart is printed at full width from Word
